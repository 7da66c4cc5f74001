"""The social accounting report (socialt bokslut) of one association and year: its own
results by goal area, the flow and full-year-equivalent tables, good examples and the
introduction, ready for the page, the PDF and the API (JSON)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from pilot.models import BokslutIntroduction
from pilot.results.own import (
    GOAL_AREAS,
    GoodExampleText,
    OwnResults,
    TargetResult,
    good_examples_in,
    own_results_build,
)
from pilot.results.periods import ResultPeriod
from pilot.results.tables import FlowTable, FteTable, flow_table, fte_table
from vocabulary import label


@dataclass(frozen=True)
class GoalArea:
    number: int
    code: str
    name: str
    results: tuple[TargetResult, ...]


@dataclass(frozen=True)
class Bokslut:
    year: int
    introduction: str
    introduction_updated_at: Any
    areas: tuple[GoalArea, ...]
    flow: FlowTable
    fte: FteTable
    results: OwnResults
    other_examples: tuple[GoodExampleText, ...] = ()  # reported, but not under any target

    @property
    def counts(self) -> dict[str, int]:
        signals = [r.signal for a in self.areas for r in a.results]
        return {s: signals.count(s) for s in ("green", "red", "grey")}


def bokslut_build(*, year: int) -> Bokslut:
    """The report of ``year`` in the active language, from the association's own schema."""
    lang = get_language()
    period = ResultPeriod.year(year)
    results = own_results_build(period=period)
    areas: list[GoalArea] = []
    for code in GOAL_AREAS:
        rows = tuple(r for r in results.results if r.goal_area == code)
        if rows:
            areas.append(GoalArea(len(areas) + 1, code, label("goal_area", code, lang), rows))
    intro = BokslutIntroduction.objects.filter(year=year).first()
    shown = {ex for r in results.results for ex in r.good_examples}
    others = tuple(ex for ex in good_examples_in(period) if ex not in shown)
    return Bokslut(
        year=year,
        introduction=intro.text if intro else "",
        introduction_updated_at=intro.updated_at if intro else None,
        areas=tuple(areas),
        flow=flow_table(period=period, lang=lang),
        fte=fte_table(up_to_year=year, lang=lang),
        results=results,
        other_examples=others,
    )


def bokslut_introduction_text(*, year: int) -> str:
    intro = BokslutIntroduction.objects.filter(year=year).first()
    return intro.text if intro else ""


def bokslut_json(report: Bokslut, *, association: str) -> dict[str, Any]:
    """The report as JSON for the API: codes with their labels, texts as on the page."""
    lang = get_language()

    areas = []
    for area in report.areas:
        rows = []
        for r in area.results:
            row = plain(r)
            row["signal_label"] = label("signal", r.signal, lang)
            row["target_source_label"] = label("target_source", r.target_source, lang)
            rows.append(row)
        areas.append({"number": area.number, "code": area.code, "name": area.name, "results": rows})
    flow = {
        "columns": list(report.flow.columns),
        "column_labels": [_column(c, lang) for c in report.flow.columns],
        "rows": [
            {
                "code": code,
                "label": label("flow_row", code, lang),
                "counts": [c.count for c in cells],
                "shares": [c.share for c in cells],
            }
            for code, cells in report.flow.rows
        ],
    }
    return {
        "association": association,
        "year": report.year,
        "language": "en" if str(lang).startswith("en") else "sv",
        "introduction": report.introduction,
        "goal_areas": areas,
        "flow": flow,
        "full_year_equivalents": plain(report.fte),
        "other_good_examples": plain(report.other_examples),
        "signals": report.counts,
    }


def plain(value: Any) -> Any:
    """Dataclasses, tuples and dates as JSON-ready dicts, lists and ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _column(code: str, lang: str | None) -> str:
    return label("margin", code, lang) if code == "total" else label("gender_group", code, lang)
