"""An association's own results, read from its own schema (so they are current, not the
last national snapshot) for one period and optionally one activity.

No disclosure rule applies here: these figures are shown only to the association's own
members, who may see their own counts however small (docs/results.md). Figures that leave the
association (national snapshots, the steering group, other associations, researchers) keep
the national small-cell rule k; they are computed elsewhere (national.reports).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from instrument.models import Item, NationalTarget, Point
from instrument.selectors import instrument_version_current
from instrument.targets import TargetRuleFields
from pilot.models import Activity, Answer, GoodExample, LocalTarget, Participant
from pilot.results.figures import gender_sentence, mean_text, share_text, signal
from pilot.results.periods import ResultPeriod
from vocabulary import EXIT_OUTCOMES, label

REGISTER_POINT = 20
#: Goal areas in the order of the social accounting report (indicator levels, then own items).
GOAL_AREAS = ("participant", "staff", "organisation", "society", "local")
GENDER_COLUMNS = ("woman", "man")


@dataclass(frozen=True)
class GenderFigure:
    gender: str
    n: int
    successes: int
    text: str | None


@dataclass(frozen=True)
class GoodExampleText:
    title: str
    text: str
    reported_on: Any
    activity: str


@dataclass(frozen=True)
class TargetResult:
    goal_area: str
    indicator: str  # "1. Personcentrerat" or the local item's code
    point: int | None
    subject: str  # the point's statement or the local item's text
    target_text: str  # "Minst 80 % svarar 4 eller högre"
    target_source: str  # "national" | "local"
    kind: str
    n: int
    successes: int
    mean: float | None
    text: str | None  # "65 % (13/20)"
    signal: str  # green | red | grey
    reason: str | None  # why grey
    by_gender: tuple[GenderFigure, ...]
    gender_sentence: str | None
    good_examples: tuple[GoodExampleText, ...] = ()


@dataclass(frozen=True)
class OwnResults:
    period: ResultPeriod
    activity: str | None
    results: tuple[TargetResult, ...]
    answers: int  # answers (1..scale) in the period, core and own items


def targets_in_period(period: ResultPeriod) -> list[tuple[str, TargetRuleFields]]:
    """``[(source, target)]`` valid in the period: for each subject the target valid on the
    period's last day it was valid (the latest start in the period); an association's own
    target on a core point replaces the national one."""
    overlap = Q(valid_from__lte=period.end) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )
    chosen: dict[tuple[str, object], tuple[str, TargetRuleFields]] = {}
    for t in NationalTarget.objects.filter(overlap).select_related("point").order_by("valid_from"):
        chosen[("point", t.point.number)] = ("national", t)
    for lt in (
        LocalTarget.objects.filter(overlap).select_related("local_item").order_by("valid_from")
    ):
        key = ("point", lt.point_number) if lt.point_number else ("item", lt.local_item_id)
        chosen[key] = ("local", lt)
    return list(chosen.values())


def _distribution(
    period: ResultPeriod, activity: Activity | None, point_of_item: dict[int, int]
) -> dict[tuple[str, object], dict[tuple[str, int], int]]:
    """Answer counts per subject (("point", number) or ("item", local item id)) keyed by
    (gender, value): one grouped scan of the period's answers, core and own items together
    (items are mapped to their points here, not joined in the database)."""
    answers = Answer.objects.filter(
        response__status="submitted",
        response__answered_on__range=(period.start, period.end),
        value__isnull=False,
    )
    if activity is not None:
        answers = answers.filter(response__activity=activity)
    rows = (
        answers.values_list("item_id", "local_item_id", "response__participant__gender", "value")
        .annotate(n=Count("*"))
        .order_by()
    )
    out: dict[tuple[str, object], dict[tuple[str, int], int]] = defaultdict(dict)
    for item, local_item, g, value, n in rows:
        key: tuple[str, object] = (
            ("point", point_of_item.get(item)) if item is not None else ("item", local_item)
        )
        cell = out[key]
        cell[(g or "unknown", value)] = cell.get((g or "unknown", value), 0) + n
    return out


def _counts(dist: dict[tuple[str, int], int], t: TargetRuleFields, gender: str | None) -> Any:
    """(successes, n, value sum) of one subject's answers, for one gender or all."""
    categories = set(getattr(t, "categories", None) or [])
    succ = n = total = 0
    for (g, value), c in dist.items():
        if gender is not None and g != gender:
            continue
        n += c
        total += value * c
        hit = value in categories if categories else t.category is not None and value >= t.category
        succ += c if hit else 0
    return succ, n, total


def _exits(period: ResultPeriod, activity: Activity | None) -> dict[tuple[str, str], int]:
    """Exits in the period by (gender, outcome)."""
    people = Participant.objects.filter(
        exited_on__range=(period.start, period.end), exit_outcome__in=EXIT_OUTCOMES
    )
    if activity is not None:
        people = people.filter(activity=activity)
    return {
        (g, o): n
        for g, o, n in people.values_list("gender", "exit_outcome").annotate(n=Count("id"))
    }


def good_examples_in(
    period: ResultPeriod, activity: Activity | None = None, *, with_item: bool = False
) -> list[Any]:
    """Good examples reported in the period (``(local item id, example)`` with ``with_item``),
    oldest first; with an activity, its own and those not tied to any activity."""
    rows = GoodExample.objects.filter(reported_on__range=(period.start, period.end))
    if activity is not None:
        rows = rows.filter(Q(activity=activity) | Q(activity__isnull=True))
    out: list[Any] = []
    for ex in rows.select_related("activity").order_by("reported_on", "id"):
        text = GoodExampleText(
            ex.title, ex.text, ex.reported_on, ex.activity.name if ex.activity else ""
        )
        out.append((ex.local_item_id, text) if with_item else text)
    return out


def own_results_build(*, period: ResultPeriod, activity: Activity | None = None) -> OwnResults:
    """Every target valid in the period with its result, in the active language."""
    lang = get_language()
    version = instrument_version_current()
    points = {
        p.number: p for p in Point.objects.filter(version=version).select_related("indicator")
    }
    point_of_item = dict(Item.objects.values_list("id", "point__number"))
    dist = _distribution(period, activity, point_of_item)
    exits: dict[tuple[str, str], int] | None = None
    examples: dict[int, list[GoodExampleText]] = defaultdict(list)
    for item_id, example in good_examples_in(period, activity, with_item=True):
        examples[item_id].append(example)
    results: list[TargetResult] = []
    for source, t in targets_in_period(period):
        point_number = getattr(t, "point_number", None) or (
            t.point.number if isinstance(t, NationalTarget) else None
        )
        if point_number is not None:
            p = points.get(point_number)
            area = p.indicator.level if p else "participant"
            indicator = (
                f"{p.indicator.number}. "
                f"{p.indicator.short_en if _en(lang) else p.indicator.short_sv}"
                if p
                else ""
            )
            subject_text = (p.statement_en if _en(lang) else p.statement_sv) if p else ""
            key: tuple[str, object] = ("point", point_number)
        else:
            item = t.local_item  # type: ignore[attr-defined]
            area, indicator, key = "local", item.code, ("item", item.pk)
            subject_text = (item.text_en or item.text_sv) if _en(lang) else item.text_sv
        common = {
            "goal_area": area,
            "indicator": indicator,
            "point": point_number,
            "subject": subject_text,
            "target_text": t.describe(),
            "target_source": source,
            "kind": t.kind,
        }
        if t.kind == "good_example":
            found = tuple(examples.get(key[1], [])) if key[0] == "item" else ()  # type: ignore[call-overload]
            results.append(_good_example_result(common, found))
        elif t.kind == "register_share":
            if exits is None:
                exits = _exits(period, activity)
            results.append(_register_result(common, t, exits, lang))
        else:
            results.append(_survey_result(common, t, dist.get(key, {}), lang))
    results.sort(key=lambda r: (GOAL_AREAS.index(r.goal_area), r.point or 99, r.indicator))
    answered = sum(sum(d.values()) for d in dist.values())
    return OwnResults(period, activity.name if activity else None, tuple(results), answered)


def _en(lang: str | None) -> bool:
    return bool(lang) and str(lang).startswith("en")


def _by_gender(figures: Iterable[tuple[str, int, int, str | None]]) -> tuple[GenderFigure, ...]:
    return tuple(GenderFigure(g, n, s, text) for g, n, s, text in figures)


def _survey_result(
    common: dict[str, Any], t: TargetRuleFields, dist: dict[tuple[str, int], int], lang: Any
) -> TargetResult:
    succ, n, total = _counts(dist, t, None)
    if n == 0:
        return TargetResult(**common, n=0, successes=0, mean=None, text=None, signal="grey",
                            reason=_("Inga svar under perioden."), by_gender=(),
                            gender_sentence=None)  # fmt: skip
    per_gender = {g: _counts(dist, t, g) for g in GENDER_COLUMNS}
    if t.kind == "mean_at_least":
        mean = total / n
        goal = float(t.mean or 0)
        figures = [
            (g, gn, gs, mean_text(gt / gn, gn, lang) if gn else None)
            for g, (gs, gn, gt) in per_gender.items()
        ]
        return TargetResult(**common, n=n, successes=succ, mean=mean,
                            text=mean_text(mean, n, lang),
                            signal="green" if mean >= goal else "red", reason=None,
                            by_gender=_by_gender(figures), gender_sentence=None)  # fmt: skip
    figures = [
        (g, gn, gs, share_text(gs, gn, lang) if gn else None)
        for g, (gs, gn, _t) in per_gender.items()
    ]
    return TargetResult(
        **common,
        n=n,
        successes=succ,
        mean=total / n,
        text=share_text(succ, n, lang, t.percent),
        signal=signal(succ, n, t.percent),
        reason=None,
        by_gender=_by_gender(figures),
        gender_sentence=gender_sentence(per_gender["woman"][:2], per_gender["man"][:2], lang),
    )


def _register_result(
    common: dict[str, Any], t: TargetRuleFields, exits: dict[tuple[str, str], int], lang: Any
) -> TargetResult:
    wanted = set(t.outcomes or [])

    def counts(gender: str | None) -> tuple[int, int]:
        rows = [(o, c) for (g, o), c in exits.items() if gender is None or g == gender]
        return sum(c for o, c in rows if o in wanted), sum(c for _o, c in rows)

    succ, n = counts(None)
    if n == 0:
        return TargetResult(**common, n=0, successes=0, mean=None, text=None, signal="grey",
                            reason=_("Ingen deltagare avslutades under perioden."),
                            by_gender=(), gender_sentence=None)  # fmt: skip
    per_gender = {g: counts(g) for g in GENDER_COLUMNS}
    figures = [(g, gn, gs, share_text(gs, gn, lang) if gn else None)
               for g, (gs, gn) in per_gender.items()]  # fmt: skip
    return TargetResult(
        **common,
        n=n,
        successes=succ,
        mean=None,
        text=share_text(succ, n, lang, t.percent),
        signal=signal(succ, n, t.percent),
        reason=None,
        by_gender=_by_gender(figures),
        gender_sentence=gender_sentence(per_gender["woman"], per_gender["man"], lang),
    )


def _good_example_result(
    common: dict[str, Any], found: tuple[GoodExampleText, ...]
) -> TargetResult:
    text = (
        _("Ett gott exempel har redovisats.")
        if len(found) == 1
        else _("%(n)d goda exempel har redovisats.") % {"n": len(found)}
        if found
        else _("Inget gott exempel har redovisats under perioden.")
    )
    return TargetResult(**common, n=len(found), successes=len(found), mean=None, text=text,
                        signal="green" if found else "red", reason=None, by_gender=(),
                        gender_sentence=None, good_examples=found)  # fmt: skip


def area_label(code: str, lang: str | None) -> str:
    return label("goal_area", code, lang)


__all__ = [
    "GOAL_AREAS",
    "GenderFigure",
    "OwnResults",
    "TargetResult",
    "own_results_build",
    "targets_in_period",
]


def result_years() -> list[int]:
    """Years from the first to the last questionnaire or participant start, newest first."""
    from django.db.models import Max, Min

    from pilot.models import Response

    spans = [
        Response.objects.aggregate(lo=Min("answered_on"), hi=Max("answered_on")),
        Participant.objects.aggregate(lo=Min("started_on"), hi=Max("started_on")),
    ]
    los = [s["lo"].year for s in spans if s["lo"]]
    his = [s["hi"].year for s in spans if s["hi"]]
    if not los:
        return []
    return list(range(max(his), min(los) - 1, -1))
