"""The steering group's dashboard (public host). An association's own results are web/results.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from national.pooling import national_config, national_config_set
from national.selectors import snapshot_published_latest, snapshot_running
from tenants.roles import Role
from web.dashboard import dashboard_read
from web.dashboard_views import dashboard_context
from web.mixins import RoleRequiredMixin, acting_user


class DashboardView(RoleRequiredMixin, TemplateView):
    template_name = "web/national/dashboard.html"
    host_scope = "national"
    required_roles = frozenset({Role.STEERING_GROUP, Role.PLATFORM_ADMIN})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = acting_user(request)
        if "small_cell_k" in request.POST:
            try:
                national_config_set(small_cell_k=int(request.POST["small_cell_k"]), actor=actor)
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
