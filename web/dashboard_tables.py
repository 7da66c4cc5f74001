"""The dashboard's tables (matrix, funnel, national trend, drill-down) as :class:`Table`s:
the page, the CSV and the XLSX all come from these."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from national.selectors import benchmark_index
from vocabulary import half_year_label, label
from web.dashboard import Snapshotted
from web.numbers import DASH, count_text, interval_text, mean_text, percent_text
from web.tables import Cell, Column, Table


def value_text(c: dict[str, Any], lang: str, *, counts: bool = False) -> tuple[str, Any]:
    """(text, export value) of a cell with the rounding rule against its target."""
    if c.get("suppressed"):
        return DASH, None
    met = {"green": True, "red": False}.get(str(c.get("signal")))
    if c.get("kind") == "mean_at_least":
        mean = c.get("mean")
        text = mean_text(mean, lang=lang, target=c.get("target_mean"), met=met)
        return text, None if mean is None else round(float(mean), 2)
    share = c.get("share")
    text = percent_text(share, lang=lang, target=c.get("target_level"), met=met)
    if counts and c.get("successes") is not None:
        text += f" ({c['successes']}/{c['n']})"
    return text, None if share is None else round(float(share) * 100, 1)


def _signal_note(c: dict[str, Any], lang: str) -> str:
    return label("signal", c.get("signal") or "grey", lang)


def drill_href(data: Snapshotted, association: str, point: int, query: str | None = None) -> str:
    """The drill-down's address under the filters (``query``: them without the point, when the
    caller has it already)."""
    url = _cell_url(association, point, get_urlconf(), get_script_prefix())
    return f"{url}?{data.filters.query(point=None) if query is None else query}"


@lru_cache(maxsize=8192)
def _cell_url(association: str, point: int, _urlconf: Any, _prefix: str) -> str:
    # reverse() costs ~30 µs; the matrix links 100 associations x 26 points
    return reverse("web:dashboard-cell", args=[association, point])


def point_columns(data: Snapshotted, points: Iterable[int]) -> list[Column]:
    return [
        Column(text=data.point_short(p), description=data.point_statement(p), prefix=str(p))
        for p in points
    ]


def matrix_table(data: Snapshotted) -> Table:
    lang, period = data.lang, data.filters.period
    cells = benchmark_index(data.bench).by_period.get(period, {})
    # per page, not per cell (100 associations x 26 points): the filters, the URL resolver's
    # state, the words for no answers and for each signal
    query = data.filters.query(point=None)
    urlconf, prefix = get_urlconf(), get_script_prefix()
    none = Cell("·", value="", css="cell-none", note=_("inga svar"))
    notes: dict[Any, str] = {}
    associations = sorted(
        {a for a, _p, _per in cells if data.shown(a)}, key=lambda a: data.names.get(a, a)
    )
    rows = []
    for a in associations:
        row = [
            Cell(data.names.get(a, a)),
            Cell(label("county", data.counties.get(a, ""), lang), value=data.counties.get(a, "")),
        ]
        for p in data.points:
            c = cells.get((a, p, period))
            if c is None:
                row.append(none)
                continue
            text, value = value_text(c, lang)
            signal = c.get("signal")
            if signal not in notes:
                notes[signal] = _signal_note(c, lang)
            row.append(
                Cell(
                    text,
                    value=value,
                    css=f"cell-{signal or 'grey'}",
                    href=f"{_cell_url(a, p, urlconf, prefix)}?{query}",
                    note=notes[signal],
                )
            )
        rows.append(row)
    return Table(
        key="matrix",
        caption=_("Måluppfyllelse per förbund och mätpunkt, %(p)s")
        % {"p": half_year_label(period, lang)},
        columns=[Column(_("Förbund")), Column(_("Län")), *point_columns(data, data.points)],
        rows=rows,
        empty=_("Inga förbund med svar för de valda filtren."),
    )


def funnel_point(data: Snapshotted) -> int | None:
    period = data.filters.period
    with_funnel = benchmark_index(data.bench).funnel_points.get(period, frozenset())
    available = sorted(with_funnel & set(data.points))
    if data.filters.point in available:
        return data.filters.point
    return available[0] if available else None


def funnel_of(data: Snapshotted, point: int | None) -> dict[str, Any] | None:
    if point is None:
        return None
    funnel = benchmark_index(data.bench).funnels.get((point, data.filters.period))
    if funnel is None:
        return None
    points = [
        {
            **p,
            "association": data.names.get(p.get("association"), p.get("association")),
            "slug": p.get("association"),
        }
        for p in funnel.get("points", [])
        if data.shown(str(p.get("association")))
    ]
    return {**funnel, "points": points}


def funnel_table(data: Snapshotted, funnel: dict[str, Any] | None) -> Table:
    lang = data.lang
    rows = []
    for p in sorted((funnel or {}).get("points", []), key=lambda p: str(p["association"])):
        target = (funnel or {}).get("target_level")
        met = None if p.get("share") is None or target is None else p["share"] >= target
        rows.append(
            [
                Cell(str(p["association"])),
                Cell(label("county", data.counties.get(p["slug"], ""), lang)),
                Cell(count_text(p.get("n"), lang), value=p.get("n")),
                Cell(
                    percent_text(p.get("share"), lang=lang, target=target, met=met),
                    value=None if p.get("share") is None else round(p["share"] * 100, 1),
                ),
                Cell(label("funnel_position", p.get("position_target"), lang) or DASH),
                Cell(label("funnel_position", p.get("position_national"), lang) or DASH),
            ]
        )
    return Table(
        key="funnel-table",
        caption=_("Tabell till trattdiagrammet"),
        columns=[
            Column(_("Förbund")),
            Column(_("Län")),
            Column("n"),
            Column(_("Andel")),
            Column(_("Läge mot målnivån")),
            Column(_("Läge mot riksgenomsnittet")),
        ],
        rows=rows,
        empty=_("Inget förbund har tillräckligt många svar för diagrammet."),
    )


def trend_series(data: Snapshotted, point: int) -> list[dict[str, Any]]:
    """Per half-year the national share of ``point`` (or, with a county chosen, the county's
    share summed over its associations' shown cells), with n and the rounding rule."""
    k = int(data.snapshot.small_cell_k)
    index = benchmark_index(data.bench)
    out = []
    if not data.filters.county:
        for period in data.periods:
            r = index.national.get((point, period))
            if r is None:
                out.append({"period": period, "n": None, "share": None})
                continue
            out.append(
                {
                    "period": period,
                    "n": r.get("n"),
                    "share": None if r.get("suppressed") else r.get("share"),
                    "low": r.get("wilson_low"),
                    "high": r.get("wilson_high"),
                    "signal": r.get("signal"),
                    "target": r.get("target_level"),
                }
            )
        return out
    for period in data.periods:
        n = y = 0
        target = None
        for a, c in index.by_point_period.get((point, period), []):
            if data.shown(a) and not c.get("suppressed"):
                if c.get("successes") is None:
                    continue
                n, y, target = n + int(c["n"]), y + int(c["successes"]), c.get("target_level")
        share = y / n if n >= k else None
        signal = (
            None if share is None or target is None else ("green" if share >= target else "red")
        )
        entry: dict[str, Any] = {"period": period, "n": n or None, "share": share}
        out.append({**entry, "signal": signal, "target": target})
    return out


def trend_table(data: Snapshotted) -> Table:
    lang = data.lang
    rows = []
    for p in data.points:
        row = [Cell(f"{p} {data.point_short(p)}")]
        for entry in trend_series(data, p):
            met = {"green": True, "red": False}.get(str(entry.get("signal")))
            row.append(
                Cell(
                    percent_text(
                        entry.get("share"), lang=lang, target=entry.get("target"), met=met
                    ),
                    value=None if entry.get("share") is None else round(entry["share"] * 100, 1),
                )
            )
        rows.append(row)
    where = (
        label("county", data.filters.county, lang) if data.filters.county else _("samtliga förbund")
    )
    return Table(
        key="trend",
        caption=_("Andel över tid, %(where)s") % {"where": where},
        columns=[Column(_("Mätpunkt")), *[Column(half_year_label(p, lang)) for p in data.periods]],
        rows=rows,
        empty=_("Inga mätpunkter för de valda filtren."),
    )


def drill_rows(data: Snapshotted, association: str, point: int) -> list[dict[str, Any]]:
    cells = benchmark_index(data.bench).first
    return [
        cells[(association, point, per)]
        for per in data.periods
        if (association, point, per) in cells
    ]


def drill_table(data: Snapshotted, rows: list[dict[str, Any]]) -> Table:
    lang = data.lang
    out = []
    for c in rows:
        text, value = value_text(c, lang, counts=True)
        mean = c.get("kind") == "mean_at_least"
        low, high = (
            (c.get("ci_low"), c.get("ci_high"))
            if mean
            else (c.get("wilson_low"), c.get("wilson_high"))
        )
        out.append(
            [
                Cell(half_year_label(c["period"], lang), value=str(c["period"])),
                Cell(count_text(c.get("n"), lang), value=c.get("n")),
                Cell(text, value=value, css=f"cell-{c.get('signal') or 'grey'}"),
                Cell(
                    DASH
                    if c.get("suppressed")
                    else interval_text(low, high, lang=lang, percent=not mean)
                ),
                Cell(label("signal", c.get("signal") or "grey", lang)),
            ]
        )
    return Table(
        key="cell",
        caption=_("Resultat per halvår"),
        columns=[
            Column(_("Period")),
            Column("n"),
            Column(_("Resultat")),
            Column(_("95 % konfidensintervall")),
            Column(_("Signal")),
        ],
        rows=out,
        empty=_("Förbundet har inga svar på mätpunkten."),
    )
