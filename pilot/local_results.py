"""Figures for the association's own (local) questions over a period: answers per category,
mean, and the result against the local target valid in that period (own members only: no
small-number suppression inside the association)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from pilot.models import Answer, LocalItem, LocalTarget
from stats.periods import target_for

_ASKED = (LocalItem.Kind.LIKERT, LocalItem.Kind.YES_NO, LocalItem.Kind.NUMBER)


@dataclass(frozen=True)
class LocalTargetResult:
    rule: str  # "Minst 100 % svarar nej"
    kind: str
    successes: int
    n: int
    share: float | None
    mean: float | None
    met: bool | None  # None: no answers


@dataclass(frozen=True)
class LocalItemResult:
    code: str
    text_sv: str
    text_en: str
    kind: str
    n: int  # answers with a value (not "don't know")
    dont_know: int
    counts: dict[int, int] = field(default_factory=dict)  # category -> answers (scale, yes/no)
    mean: float | None = None
    target: LocalTargetResult | None = None


def local_item_results(
    *, period_start: dt.date, period_end: dt.date, activity_ids: list[int] | None = None
) -> list[LocalItemResult]:
    """Per asked local item (scale, yes/no, number): the submitted answers of responses
    answered in ``period_start`` .. ``period_end`` (optionally of some activities), and the
    result against the local target :func:`stats.periods.target_for` picks for the period."""
    answers = Answer.objects.filter(
        local_item__isnull=False,
        response__status="submitted",
        response__answered_on__range=(period_start, period_end),
    )
    if activity_ids is not None:
        answers = answers.filter(response__activity_id__in=activity_ids)
    counts: dict[int, dict[int, int]] = {}
    dont_know: dict[int, int] = {}
    numbers: dict[int, list[Decimal]] = {}
    grouped = answers.values("local_item_id", "value", "dont_know").annotate(n=Count("id"))
    for row in grouped:
        if row["dont_know"]:
            dont_know[row["local_item_id"]] = dont_know.get(row["local_item_id"], 0) + row["n"]
        elif row["value"] is not None:
            counts.setdefault(row["local_item_id"], {})[int(row["value"])] = row["n"]
    for item_id, number in answers.filter(number__isnull=False).values_list(
        "local_item_id", "number"
    ):
        if number is not None:
            numbers.setdefault(item_id, []).append(number)
    targets = [
        {"point": t.local_item_id, "valid_from": t.valid_from, "valid_to": t.valid_to, "t": t}
        for t in LocalTarget.objects.filter(local_item__isnull=False).select_related("local_item")
    ]
    out: list[LocalItemResult] = []
    for item in LocalItem.objects.filter(kind__in=_ASKED).order_by("code"):
        by_cat = dict(sorted(counts.get(item.pk, {}).items()))
        values = [float(v) for v in numbers.get(item.pk, [])]
        if item.kind == LocalItem.Kind.NUMBER:
            n = len(values)
            mean = sum(values) / n if n else None
        else:
            n = sum(by_cat.values())
            mean = sum(c * k for c, k in by_cat.items()) / n if n else None
        found = target_for(targets, item.pk, period_start, period_end)
        out.append(
            LocalItemResult(
                code=item.code, text_sv=item.text_sv, text_en=item.text_en, kind=item.kind,
                n=n, dont_know=dont_know.get(item.pk, 0), counts=by_cat, mean=mean,
                target=None if found is None else _against(found["t"], item, by_cat, n, mean),
            )
        )  # fmt: skip
    return out


def _against(
    t: LocalTarget, item: LocalItem, by_cat: dict[int, int], n: int, mean: float | None
) -> LocalTargetResult:
    rule = t.describe()
    if t.kind == "mean_at_least":
        reached = None if mean is None else mean >= float(t.mean or 0)
        return LocalTargetResult(rule, t.kind, 0, n, None, mean, reached)
    top = 1 if item.kind == LocalItem.Kind.YES_NO else int(item.scale_points or 0)
    accepted = set(t.accepted(top))
    successes = sum(k for c, k in by_cat.items() if c in accepted)
    share = successes / n if n else None
    level = float(t.percent or 0) / 100
    met: Any = None
    if share is not None:
        met = share <= level if t.kind == "share_at_most" else share >= level
    return LocalTargetResult(rule, t.kind, successes, n, share, None, met)
