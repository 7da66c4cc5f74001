"""The dashboard's analysis part, its drill-down to one association x point, and the
downloads of every table (CSV, XLSX) under the same filters."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from national.reports.periods import period_bounds
from national.selectors import national_targets_by_point, snapshot_published_latest
from tenants.roles import Role
from vocabulary import half_year_label, label
from web.charts import funnel_svg
from web.dashboard import (
    Snapshotted,
    county_options,
    coverage_minimum,
    dashboard_read,
    pooled_line,
    version_notes,
)
from web.dashboard_tables import (
    drill_rows,
    drill_table,
    funnel_of,
    funnel_point,
    funnel_table,
    matrix_table,
    trend_series,
    trend_table,
)
from web.mixins import RoleRequiredMixin
from web.numbers import interval_text, percent_text
from web.reliability_table import reliability_table, version_export, version_tables
from web.tables import FORMATS, Table, table_csv, table_xlsx
from web.trend_chart import TrendPoint, trend_svg

NATIONAL_ROLES = frozenset({Role.STEERING_GROUP, Role.PLATFORM_ADMIN})
PERCENT_TICKS = [(v / 4, f"{v * 25}\N{NO-BREAK SPACE}%") for v in range(5)]


def _lang() -> str:
    return get_language() or "sv"


def _funnel_labels() -> dict[str, str]:
    return {"l95": _("95 %"), "l998": _("99,8 %")}


def dashboard_context(data: Snapshotted) -> dict[str, Any]:
    """Everything the analysis part of the dashboard shows."""
    lang, f = data.lang, data.filters
    point = funnel_point(data)
    funnel = funnel_of(data, point)
    title = _("Trattdiagram för mätpunkt %(p)s, %(per)s") % {
        "p": point,
        "per": half_year_label(f.period, lang),
    }
    trend_point = point if point is not None else (data.points[0] if data.points else None)
    need_a, need_n = coverage_minimum()
    chosen = data.coverage.get(f.period, {"associations": 0, "answers": 0})
    return {
        "data": data,
        "filters": f,
        "period_options": [
            (p, f"{data.period_text(p)} ({data.coverage_text(p)})") for p in reversed(data.periods)
        ],
        "county_options": county_options(data),
        "coverage_line": _("Visar %(period)s: %(coverage)s.")
        % {"period": data.period_text(f.period), "coverage": data.coverage_text(f.period)},
        "thin_period": chosen["associations"] < need_a or chosen["answers"] < need_n,
        "need_associations": need_a,
        "need_answers": need_n,
        "matrix": matrix_table(data),
        "funnel_points": [(p, f"{p} {data.point_short(p)}") for p in data.points],
        "chosen_point": point,
        "chosen_statement": data.point_statement(point) if point else "",
        "funnel_svg": mark_safe(funnel_svg(funnel, title=title, line_labels=_funnel_labels()))
        if funnel
        else "",
        "funnel": funnel_table(data, funnel),
        "trend_svg": mark_safe(_trend_chart(data, trend_point)) if trend_point else "",
        "trend_point": trend_point,
        "trend": trend_table(data),
        "version_notes": version_notes(data),
        "pooled_line": pooled_line(data),
        "version_tables": version_tables(data),
        "k": data.snapshot.small_cell_k,
        "query": f.query(),
    }


def _trend_chart(data: Snapshotted, point: int) -> str:
    series = trend_series(data, point)
    lang = data.lang
    target = next((e.get("target") for e in series if e.get("target") is not None), None)
    points = [
        TrendPoint(
            label=data.period_text(e["period"]),
            value=e.get("share"),
            low=e.get("low"),
            high=e.get("high"),
            text=percent_text(e.get("share"), lang=lang),
        )
        for e in series
    ]
    where = label("county", data.filters.county, lang) if data.filters.county else _("riket")
    return trend_svg(
        points,
        title=_("Andel över tid för mätpunkt %(p)s, %(where)s") % {"p": point, "where": where},
        ticks=PERCENT_TICKS,
        target=target,
        target_label=_("Målnivå") if target is not None else "",
    )


def _read(request: HttpRequest) -> Snapshotted:
    snapshot = snapshot_published_latest()
    if snapshot is None:
        raise Http404(_("Ingen sammanställning är publicerad ännu."))
    return dashboard_read(snapshot=snapshot, query=request.GET, lang=_lang())


class DashboardCellView(RoleRequiredMixin, TemplateView):
    """One association x point: its result per half-year with interval, n, target and the
    statement, as a chart and a table."""

    template_name = "web/national/cell.html"
    host_scope = "national"
    required_roles = NATIONAL_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = _read(self.request)
        context.update(cell_context(data, kwargs["association"], int(kwargs["point"])))
        return context


def cell_context(data: Snapshotted, association: str, point: int) -> dict[str, Any]:
    rows = drill_rows(data, association, point)
    if association not in data.names or not rows:
        raise Http404(_("Förbundet har inga resultat på den mätpunkten."))
    lang = data.lang
    mean = rows[0].get("kind") == "mean_at_least"
    # the target of the latest period shown (not the one valid today)
    last_day = period_bounds(str(rows[-1]["period"]))[1] if rows[-1].get("period") else None
    target = national_targets_by_point(on=last_day).get(point)
    series = [
        TrendPoint(
            label=data.period_text(c["period"]),
            value=None if c.get("suppressed") else (c.get("mean") if mean else c.get("share")),
            low=c.get("ci_low" if mean else "wilson_low"),
            high=c.get("ci_high" if mean else "wilson_high"),
            text=percent_text(c.get("share"), lang=lang) if not mean else str(c.get("mean")),
        )
        for c in rows
    ]
    level = rows[0].get("target_mean" if mean else "target_level")
    name = data.names[association]
    svg = trend_svg(
        series,
        title=_("%(name)s, mätpunkt %(p)s över tid") % {"name": name, "p": point},
        lo=1.0 if mean else 0.0,
        hi=5.0 if mean else 1.0,
        ticks=[(v, str(v)) for v in (1, 2, 3, 4, 5)] if mean else PERCENT_TICKS,
        target=None if level is None else float(level),
        target_label=_("Målnivå"),
        band_label=_("Skuggat fält: 95 % konfidensintervall"),
    )
    latest = next((c for c in reversed(rows) if not c.get("suppressed")), None)
    return {
        "data": data,
        "association_name": name,
        "county_name": label("county", data.counties.get(association, ""), lang),
        "point": point,
        "indicator": data.catalogue.get(point, {}).get("indicator"),
        "point_short": data.point_short(point),
        "statement": data.point_statement(point),
        "target_text": target.describe() if target is not None else "",
        "svg": mark_safe(svg),
        "table": drill_table(data, rows),
        "latest_ci": interval_text(
            (latest or {}).get("wilson_low"),
            (latest or {}).get("wilson_high"),
            lang=lang,
            percent=True,
        ),
        "pooled_line": pooled_line(data),
        "back": f"/national/?{data.filters.query()}",
        "query": data.filters.query(),
        "cell_extra": f"&association={association}&cell_point={point}",
    }


class DashboardExportView(RoleRequiredMixin, View):
    """``/national/export/<table>.<csv|xlsx>?<filters>``: a table as the page shows it."""

    host_scope = "national"
    required_roles = NATIONAL_ROLES

    def get(self, request: HttpRequest, table: str, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404(_("Okänt filformat."))
        data = _read(request)
        tables: dict[str, Any] = {
            "matrix": lambda: matrix_table(data),
            "funnel-table": lambda: funnel_table(data, funnel_of(data, funnel_point(data))),
            "trend": lambda: trend_table(data),
            "reliability": lambda: reliability_table(data),
        }
        if table == "cell":
            association = request.GET.get("association", "")
            raw = request.GET.get("cell_point", "")
            if not raw.isdigit():
                raise Http404(_("Okänd mätpunkt."))
            chosen: Table = cell_context(data, association, int(raw))["table"]
        elif table in tables:
            chosen = tables[table]()
        elif (per_version := version_export(data, table)) is not None:
            chosen = per_version
        else:
            raise Http404(_("Okänd tabell."))
        name = f"nns-{chosen.key}-{data.filters.period or 'alla'}"
        return table_csv(chosen, name) if fmt == "csv" else table_xlsx(chosen, name)
