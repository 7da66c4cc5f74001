"""The steering group's dashboard (public host) and an association's results (its host)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from instrument.models import FormItem
from instrument.selectors import instrument_version_current
from national.pooling import national_config, national_config_set
from national.reports.store import association_own_results
from national.selectors import (
    association_report,
    snapshot_published_latest,
    snapshot_running,
)
from tenants.models import User
from tenants.permissions import current_association
from tenants.roles import ASSOCIATION_ROLES, Role
from vocabulary import half_year_label, label
from web.charts import funnel_svg
from web.dashboard import dashboard_read
from web.dashboard_views import dashboard_context
from web.mixins import RoleRequiredMixin


def _form_points() -> dict[str, set[int]]:
    """Point numbers collected by each form of the current instrument version."""
    version = instrument_version_current()
    out: dict[str, set[int]] = defaultdict(set)
    for form_code, point in FormItem.objects.filter(form__version=version).values_list(
        "form__code", "item__point__number"
    ):
        out[form_code].add(point)
    return dict(out)


def _percent(value: Any) -> str:
    """``75 %`` (non-breaking space) in Swedish, ``75%`` in English; ``–`` when missing."""
    if value is None:
        return "–"
    sign = "%" if (get_language() or "sv").startswith("en") else "\N{NO-BREAK SPACE}%"
    return f"{round(float(value) * 100)}{sign}"


def _named(funnel: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The funnel with associations by name (the chart's dots are labelled with them)."""
    points = [{**p, "association": names.get(p.get("association"), p.get("association"))}
              for p in funnel.get("points", [])]  # fmt: skip
    return {**funnel, "points": points}


class DashboardView(RoleRequiredMixin, TemplateView):
    template_name = "web/national/dashboard.html"
    host_scope = "national"
    required_roles = frozenset({Role.STEERING_GROUP, Role.PLATFORM_ADMIN})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert isinstance(request.user, User)
        if "small_cell_k" in request.POST:
            try:
                national_config_set(
                    small_cell_k=int(request.POST["small_cell_k"]), actor=request.user
                )
                messages.success(request, _("Gränsen gäller från nästa sammanställning."))
            except (ValueError, ValidationError):
                messages.error(request, _("k ska vara ett heltal mellan 3 och 100."))
            return redirect("web:dashboard")
        return redirect("web:national-runs")  # runs are started on their own page

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["config_k"] = national_config().small_cell_k
        context["running"] = snapshot_running() is not None
        snapshot = snapshot_published_latest()
        context["snapshot"] = snapshot
        if snapshot is None:
            return context
        data = dashboard_read(
            snapshot=snapshot, query=self.request.GET, lang=get_language() or "sv"
        )
        context.update(dashboard_context(data))
        return context


class ResultsView(RoleRequiredMixin, TemplateView):
    """The association's own results, written like the social accounting report."""

    template_name = "web/national/results.html"
    host_scope = "association"
    required_roles = ASSOCIATION_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        association = current_association(self.request)
        assert association is not None
        k = national_config().small_cell_k
        results = association_own_results(association=association, k=k)
        snapshot = snapshot_published_latest()
        own_funnels = []
        pooled = (
            association_report(snapshot=snapshot, association=association.slug)
            if snapshot is not None
            else None
        )
        if pooled is not None:
            # This association's results on the national masks, and its own funnel points.
            results["national"] = pooled
            for f in pooled.get("funnels", []):
                own = f.get("own") or {}
                if own.get("share") is None:
                    continue
                shown = {**f, "points": [{**own, "association": association.slug}]}
                own_funnels.append(
                    {
                        "point": f["point"],
                        "period": f["period"],
                        "own": own,
                        "share_text": _percent(own.get("share")),
                        "svg": mark_safe(
                            funnel_svg(
                                shown,
                                title=_("Mätpunkt %(p)d, %(per)s")
                                % {
                                    "p": f["point"],
                                    "per": half_year_label(f["period"], get_language()),
                                },
                                highlight=association.slug,
                                show_others=False,
                            )
                        ),
                    }
                )
        lang = get_language()
        for flow in (results["national"] or {}).get("flow", []):
            flow["column_labels"] = [_flow_label("gender", c, lang) for c in flow["columns"]]
            flow["table"] = [
                (_flow_label("exit_outcome", r, lang), _flow_row(c, flow["columns"]))
                for r, c in zip(flow["rows"], flow["counts"], strict=False)
            ]
        withheld = [f for f in (pooled or {}).get("funnels", []) if f.get("national_share") is None]
        context.update(results=results, k=k, pooled=pooled is not None)
        context["national_withheld"] = bool(withheld)
        context["min_associations"] = (pooled or {}).get(
            "min_associations", settings.NNS_NATIONAL_MIN_ASSOCIATIONS
        )
        context["funnels"] = own_funnels[-6:]
        context["snapshot"] = snapshot
        return context


def _flow_label(kind: str, code: str, lang: str | None) -> str:
    return label("margin" if code == "total" else kind, code, lang)


def _flow_row(counts: Any, columns: list[str]) -> list[Any]:
    """One row's counts in column order (stored as a dict by column, or as a list)."""
    if isinstance(counts, dict):
        return [counts.get(c) for c in columns]
    return list(counts)
