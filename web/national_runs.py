"""The steering group's pooling runs (public host): start one, watch it, review the draft it
ends as, publish it. The page polls a JSON view of the run's progress (``web/runs.js``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from national.pooling import (
    SnapshotNotPublishable,
    SnapshotRunning,
    snapshot_publish,
    snapshot_resume,
    snapshot_start,
)
from national.selectors import (
    snapshot_by_number,
    snapshot_list,
    snapshot_progress,
    snapshot_published_latest,
    snapshot_review_coverage,
)
from tenants.permissions import has_any_role
from tenants.roles import Role
from vocabulary.choices import SnapshotStatus
from web.mixins import RoleRequiredMixin, acting_user

if TYPE_CHECKING:
    from national.models import Snapshot

RUN_VIEWERS = frozenset({Role.STEERING_GROUP, Role.PLATFORM_ADMIN})
PUBLISHERS = frozenset({Role.STEERING_GROUP})


def half_year_label(code: str) -> str:
    """``"2016H1"`` as a table reads it: "jan–jun 2016" / "Jan–Jun 2016"."""
    year, half = code.split("H")
    return (_("jan–jun %s") if half == "1" else _("jul–dec %s")) % year


def _snapshot(number: int) -> Snapshot:
    snapshot = snapshot_by_number(number=number)
    if snapshot is None:
        raise Http404
    return snapshot


class RunsView(RoleRequiredMixin, TemplateView):
    """Recent runs; the newest in detail: progress while it runs, coverage when a draft."""

    template_name = "web/national/runs.html"
    host_scope = "national"
    required_roles = RUN_VIEWERS

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if "resume" in request.POST:
                snapshot = _snapshot(int(request.POST["resume"]))
                snapshot_resume(snapshot=snapshot, actor=acting_user(request))
                messages.success(request, _("Sammanställning %d fortsätter.") % snapshot.number)
            else:
                snapshot = snapshot_start(actor=acting_user(request))
                messages.success(request, _("Sammanställning %d har startats.") % snapshot.number)
        except SnapshotRunning as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(), status=409)
        except ValueError as exc:
            raise Http404 from exc
        return redirect("web:national-runs")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        snapshots = list(snapshot_list()[:8])
        runs = [
            {**snapshot_progress(snapshot=s), "started": s.started_at, "published": s.published_at}
            for s in snapshots
        ]
        current = runs[0] if runs else None
        context.update(
            runs=runs,
            current=current,
            running=bool(current and current["status"] == SnapshotStatus.RUNNING),
            published=snapshot_published_latest(),
            can_publish=has_any_role(self.request, PUBLISHERS),
        )
        if current and current["status"] in (SnapshotStatus.DRAFT, SnapshotStatus.PUBLISHED):
            coverage = snapshot_review_coverage(snapshot=snapshots[0])
            context["coverage"] = coverage
            context["periods"] = [half_year_label(p) for p in coverage["periods"]]
        return context


class RunProgressView(RoleRequiredMixin, View):
    """One run's progress as JSON, for the page's polling script."""

    host_scope = "national"
    required_roles = RUN_VIEWERS

    def get(self, request: HttpRequest, number: int) -> JsonResponse:
        return JsonResponse(snapshot_progress(snapshot=_snapshot(number)))


class RunPublishView(RoleRequiredMixin, View):
    """A steering-group member publishes the reviewed draft (audited)."""

    host_scope = "national"
    required_roles = PUBLISHERS

    def post(self, request: HttpRequest, number: int) -> HttpResponse:
        try:
            snapshot = snapshot_publish(actor=acting_user(request), snapshot=_snapshot(number))
        except SnapshotNotPublishable as exc:
            messages.error(request, str(exc))
            return redirect("web:national-runs")
        messages.success(
            request, _("Sammanställning %d är publicerad och visas nu.") % snapshot.number
        )
        return redirect("web:national-runs")
