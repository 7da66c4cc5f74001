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


_COVERAGE_SQL = """
SELECT to_char(period, 'YYYY') || 'H' || CASE WHEN extract(month FROM period) <= 6
         THEN '1' ELSE '2' END AS half, count(DISTINCT association), count(*)
FROM national_pooledresponse WHERE snapshot_id = %s GROUP BY half ORDER BY half
"""


def snapshot_coverage(*, snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """Per half-year (``"2016H1"``): the associations and questionnaires the snapshot holds.
    A published snapshot never changes, so the counts are cached by its id."""
    from django.core.cache import cache
    from django.db import connection

    key = f"national:coverage:{snapshot.pk}"
    found = cache.get(key)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(_COVERAGE_SQL, [snapshot.pk])
            found = {h: {"associations": a, "answers": n} for h, a, n in cursor.fetchall()}
        cache.set(key, found, None if snapshot.status == Snapshot.Status.PUBLISHED else 5)
    return dict(found)


def point_catalogue(*, version: str = "") -> dict[int, dict[str, Any]]:
    """Per point number: its indicator (number, short name, title) and statement, in both
    languages, from ``version`` (the current version when blank)."""
    from instrument.models import Point
    from instrument.selectors import instrument_version_current

    current = instrument_version_current()
    code = version or (current.code if current else "")
    points = Point.objects.filter(version__code=code).select_related("indicator")
    return {
        p.number: {
            "indicator": p.indicator.number,
            "short_sv": p.indicator.short_sv,
            "short_en": p.indicator.short_en,
            "title_sv": p.indicator.title_sv,
            "title_en": p.indicator.title_en,
            "statement_sv": p.statement_sv,
            "statement_en": p.statement_en,
        }
        for p in points
    }


def national_targets_by_point(*, on: Any = None) -> dict[int, Any]:
    """The national target in force per point number (the first when several)."""
    from django.db.models import Q
    from django.utils import timezone

    from instrument.models import NationalTarget

    day = on or timezone.localdate()
    targets = NationalTarget.objects.select_related("point").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    )
    out: dict[int, Any] = {}
    for t in targets.order_by("valid_from"):
        out.setdefault(t.point.number, t)
    return out


def target_proposals(*, targets: Any) -> dict[int, dict[str, Any]]:
    """Per national target (by pk): the achievable benchmark (:func:`stats.achievable_benchmark`)
    over the associations' published cells for the same rule in the latest half-year of the
    latest published snapshot. Only cells the steering group may read take part (suppressed
    cells never do). Share rules only; ``reason`` says why there is no proposal."""
    from stats import achievable_benchmark

    snapshot = snapshot_published_latest()
    report = snapshot_report(snapshot=snapshot, kind="benchmark") if snapshot else None
    cells = (report or {}).get("cells", [])
    out: dict[int, dict[str, Any]] = {}
    for t in targets:
        if t.kind not in ("share_at_least", "share_at_most", "register_share"):
            out[t.pk] = {"reason": "not_a_share"}
            continue
        mine = [
            c
            for c in cells
            if c.get("point") == t.point.number
            and c.get("kind") == t.kind
            and c.get("category") == t.category
            and list(c.get("categories") or []) == [int(x) for x in t.categories or []]
            and list(c.get("outcomes") or []) == list(t.outcomes or [])
            and not c.get("suppressed")
        ]
        if not mine:
            out[t.pk] = {"reason": "no_results"}
            continue
        period = max(str(c["period"]) for c in mine)
        rows = [c for c in mine if str(c["period"]) == period]
        abc = achievable_benchmark(
            [int(c["successes"]) for c in rows],
            [int(c["n"]) for c in rows],
            lower_is_better=t.kind == "share_at_most",
        )
        out[t.pk] = {"reason": None, "period": period, "share": abc.share, "units": abc.units,
                     "units_total": abc.units_total, "n": abc.n, "n_total": abc.n_total,
                     "successes": abc.successes}  # fmt: skip
    return out
