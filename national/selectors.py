"""Reads of the national layer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from national.models import Snapshot, SnapshotReport


def snapshot_published_latest() -> Snapshot | None:
    return Snapshot.objects.filter(status=Snapshot.Status.PUBLISHED).order_by("-number").first()


def snapshot_list() -> QuerySet[Snapshot]:
    return Snapshot.objects.prefetch_related("parts").order_by("-number")


def snapshot_progress(*, snapshot: Snapshot) -> dict[str, Any]:
    parts = list(snapshot.parts.all())
    done = sum(1 for p in parts if p.status == "done")
    return {
        "number": snapshot.number,
        "status": snapshot.status,
        "status_label": str(snapshot.get_status_display()),
        "parts_total": len(parts),
        "parts_done": done,
        "parts_failed": [p.association_slug for p in parts if p.status == "failed"],
        "started_at": snapshot.started_at.isoformat(),
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "error": snapshot.error,
    }


def snapshot_report(*, snapshot: Snapshot, kind: str, association: str = "") -> Any:
    report = SnapshotReport.objects.filter(
        snapshot=snapshot, kind=kind, association=association
    ).first()
    return report.payload if report else None


def association_report(*, snapshot: Snapshot, association: str) -> Any:
    """An association's stored results with its funnels' limit lines put back (computed from
    the funnel's own fields, :func:`national.reports.with_funnel_lines`). Payloads stored
    before the no-differencing rule (no ``min_associations``) have their national figures
    and overdispersion withheld."""
    from national.reports import with_funnel_lines, without_national_figures

    results = snapshot_report(snapshot=snapshot, kind="association", association=association)
    if results is None:
        return None
    if "min_associations" not in results:
        results = without_national_figures(results)
    return with_funnel_lines(results)
