"""Reads of the national layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils.translation import gettext as _

from national.models import (
    DatasetRequest,
    PooledResponse,
    Snapshot,
    SnapshotPart,
    SnapshotReport,
)
from tenants.models import Association, User


def snapshot_published_latest() -> Snapshot | None:
    return Snapshot.objects.filter(status=Snapshot.Status.PUBLISHED).order_by("-number").first()


def snapshot_list() -> QuerySet[Snapshot]:
    return Snapshot.objects.prefetch_related("parts").order_by("-number")


def snapshot_running() -> Snapshot | None:
    return Snapshot.objects.filter(status=Snapshot.Status.RUNNING).first()


def snapshot_by_number(*, number: int) -> Snapshot | None:
    return Snapshot.objects.filter(number=number).first()


def dataset_request_list(*, requester: User) -> QuerySet[DatasetRequest]:
    """A researcher's own requests."""
    return DatasetRequest.objects.filter(requester=requester).select_related("snapshot")


def dataset_request_get(*, pk: int) -> DatasetRequest | None:
    return DatasetRequest.objects.filter(pk=pk).first()


def dataset_request_pending_list() -> QuerySet[DatasetRequest]:
    """Requests waiting for the steering group's decision, with their requesters."""
    return DatasetRequest.objects.filter(status=DatasetRequest.Status.REQUESTED).select_related(
        "requester"
    )


def dataset_release_list() -> QuerySet[DatasetRequest]:
    """Every decided request: its requester, decider, snapshot and downloads (with who)."""
    return (
        DatasetRequest.objects.exclude(status=DatasetRequest.Status.REQUESTED)
        .select_related("requester", "decided_by", "snapshot")
        .prefetch_related("downloads__user")
    )


def _stage(snapshot: Snapshot, parts: list[SnapshotPart]) -> str:
    """What a person reads about where the run is."""
    if snapshot.status != Snapshot.Status.RUNNING:
        return str(snapshot.get_status_display())
    if parts and all(p.status == SnapshotPart.Status.DONE for p in parts):
        return _("Rapporterna beräknas")
    return _("Förbundens svar hämtas")


def snapshot_progress(*, snapshot: Snapshot, names: dict[str, str] | None = None) -> dict[str, Any]:
    """A run's state: status, stage, parts done of total, and each association's part."""
    parts = list(snapshot.parts.all())
    if names is None:
        names = dict(Association.objects.values_list("slug", "name"))
    done = sum(1 for p in parts if p.status == SnapshotPart.Status.DONE)
    return {
        "number": snapshot.number,
        "status": snapshot.status,
        "status_label": str(snapshot.get_status_display()),
        "stage": _stage(snapshot, parts),
        "parts_total": len(parts),
        "parts_done": done,
        "parts_failed": [p.association_slug for p in parts if p.status == "failed"],
        "parts": [
            {
                "association": p.association_slug,
                "name": names.get(p.association_slug, p.association_slug),
                "status": p.status,
                "status_label": str(p.get_status_display()),
                "answers": p.answers,
                "participants": p.participants,
                "attempts": p.attempts,
            }
            for p in parts
        ],
        "started_at": snapshot.started_at.isoformat(),
        "drafted_at": snapshot.drafted_at.isoformat() if snapshot.drafted_at else None,
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "error": snapshot.error,
    }


def _half_year(month: Any) -> str:
    return f"{month.year}H{1 if month.month <= 6 else 2}"


def snapshot_review_coverage(*, snapshot: Snapshot) -> dict[str, Any]:
    """What a reviewer checks before publishing: associations, questionnaires, answers,
    participants and the periods the snapshot covers."""
    parts = snapshot.parts.filter(status=SnapshotPart.Status.DONE).aggregate(
        associations=Count("id"), answers=Sum("answers"), participants=Sum("participants")
    )
    rows = PooledResponse.objects.filter(snapshot=snapshot).aggregate(
        questionnaires=Count("response"), first=Min("period"), last=Max("period")
    )
    periods = sorted(
        {
            _half_year(m)
            for m in PooledResponse.objects.filter(snapshot=snapshot)
            .values_list("period", flat=True)
            .distinct()
        }
    )
    with_answers = snapshot.parts.filter(status=SnapshotPart.Status.DONE, answers__gt=0).count()
    return {
        "associations": parts["associations"] or 0,
        "associations_with_answers": with_answers,
        "questionnaires": rows["questionnaires"] or 0,
        "answers": parts["answers"] or 0,
        "participants": parts["participants"] or 0,
        "first_month": rows["first"].isoformat()[:7] if rows["first"] else None,
        "last_month": rows["last"].isoformat()[:7] if rows["last"] else None,
        "periods": periods,
    }


#: kinds read on every national page, kept parsed in each process (national.report_cache);
#: an association's own results are read on its host only, one of a hundred
CACHED_KINDS = frozenset({"benchmark", "reliability", "validity", "validation"})
_REPORT_VERSION_SQL = f"""
SELECT id, xmin::text || ':' || ctid::text FROM {SnapshotReport._meta.db_table}
WHERE snapshot_id = %s AND kind = %s AND association = %s
"""


def snapshot_report(*, snapshot: Snapshot, kind: str, association: str = "") -> Any:
    """A stored report's payload, or None. Kinds in :data:`CACHED_KINDS` come from the
    process's cache while the row is unchanged: the returned payload is shared and must not be
    mutated."""
    from django.db import connection

    from national import report_cache

    if kind not in CACHED_KINDS:
        report = SnapshotReport.objects.filter(
            snapshot=snapshot, kind=kind, association=association
        ).first()
        return report.payload if report else None
    with connection.cursor() as cursor:
        cursor.execute(_REPORT_VERSION_SQL, [snapshot.pk, kind, association])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, version = int(row[0]), str(row[1])

    def load() -> Any:
        return SnapshotReport.objects.values_list("payload", flat=True).get(pk=pk)

    return report_cache.cached(("report", pk, version), load)


def benchmark_index(bench: Any) -> Any:
    """The dashboard's lookups over a benchmark payload
    (:class:`national.reports.dashboard.BenchmarkIndex`), built once per cached payload."""
    from national import report_cache
    from national.reports.dashboard import benchmark_index as build

    return report_cache.derived(bench, "benchmark_index", build)


def reliability_flags_cached(reliability: Any, row: Any) -> Any:
    """:func:`national.reports.reliability_flags` of ``row``, a row of the reliability payload
    ``reliability``: computed once per row while the payload stays cached."""
    from national import report_cache
    from national.reports import reliability_flags

    memo: dict[int, Any] = report_cache.derived(reliability, "reliability_flags", lambda _r: {})
    key = id(row)
    if key not in memo:
        memo[key] = reliability_flags(row)  # the payload holds the row: its id stays its own
    return memo[key]


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
    """Per point number: its indicator (number, short name, title), statement in both
    languages and whether the version measures it, from ``version`` (the current version when
    blank)."""
    from instrument.models import Point
    from instrument.selectors import instrument_version_current

    current = instrument_version_current()
    code = version or (current.code if current else "")
    points = (
        Point.objects.filter(version__code=code)
        .select_related("indicator")
        .annotate(n_items=Count("items"))
    )
    return {
        p.number: {
            "indicator": p.indicator.number,
            # the version asks it (a question or a register figure); a point whose only
            # question a later version dropped stays in the catalogue without one
            "measured": p.n_items > 0 or p.source == Point.Source.REGISTER,
            "short_sv": p.indicator.short_sv,
            "short_en": p.indicator.short_en,
            "title_sv": p.indicator.title_sv,
            "title_en": p.indicator.title_en,
            "statement_sv": p.statement_sv,
            "statement_en": p.statement_en,
        }
        for p in points
    }


def version_item_catalogue(*, versions: Sequence[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per version code, its items by pooling key (the item codes of the snapshot's reports,
    :func:`instrument.selectors.item_pooling_keys`): code, point, statement in both languages,
    the crosswalk change against the previous version (blank for a first version) and whether
    its answers pool into its point's results."""
    from instrument.models import Item, ItemLineage
    from instrument.selectors import item_pooling_keys

    out: dict[str, dict[str, dict[str, Any]]] = {v: {} for v in versions}
    items = Item.objects.filter(version__code__in=versions).select_related("point", "version")
    if not items:
        return out
    keys = item_pooling_keys()
    changes = dict(
        ItemLineage.objects.filter(version__code__in=versions, item__isnull=False).values_list(
            "item_id", "change"
        )
    )
    for item in items:
        pooled = keys[item.pk]
        out[item.version.code][pooled.key] = {
            "code": item.code,
            "point": item.point.number,
            "statement_sv": item.statement_sv,
            "statement_en": item.statement_en,
            "change": changes.get(item.pk, ""),
            "comparable": pooled.comparable,
        }
    return out


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


def validation_read(*, snapshot: Snapshot) -> dict[str, Any] | None:
    """The stored instrument validation report of ``snapshot`` with what a page needs to label
    it: ``report`` (the payload), ``item_points`` (pooled item code -> point number) and
    ``points`` (:func:`point_catalogue`), ``names`` (association slug -> name) and ``k``
    (the snapshot's small-cell limit). None when the snapshot has no such report."""
    from instrument.selectors import item_pooling_keys

    report = snapshot_report(snapshot=snapshot, kind="validation")
    if report is None or report.get("failed"):
        return None
    return {
        "report": report,
        "item_points": {e.key: e.point for e in item_pooling_keys().values()},
        "points": point_catalogue(),
        "names": dict(Association.objects.values_list("slug", "name")),
        "k": snapshot.small_cell_k,
    }


def _validation_readers_snapshots(*, include_drafts: bool) -> QuerySet[Snapshot]:
    """Published snapshots, and drafts when asked (the steering group reviews a draft before
    publishing it)."""
    statuses = [Snapshot.Status.PUBLISHED]
    if include_drafts:
        statuses.append(Snapshot.Status.DRAFT)
    return Snapshot.objects.filter(status__in=statuses).order_by("-number")


def _validation_reports() -> QuerySet[SnapshotReport]:
    return SnapshotReport.objects.filter(kind="validation", association="")


def validation_snapshot_list(*, include_drafts: bool) -> list[Snapshot]:
    """Snapshots with a validation report, newest first."""
    reported = _validation_reports().exclude(payload__has_key="failed")
    snapshots = _validation_readers_snapshots(include_drafts=include_drafts)
    return list(snapshots.filter(pk__in=reported.values("snapshot")))


def validation_failed_list(*, include_drafts: bool) -> list[Snapshot]:
    """Snapshots whose validation report could not be computed (stored as a failure by
    ``national.pooling.finish.snapshot_validation_store``), newest first."""
    failed = _validation_reports().filter(payload__has_key="failed")
    snapshots = _validation_readers_snapshots(include_drafts=include_drafts)
    return list(snapshots.filter(pk__in=failed.values("snapshot")))


def snapshots_without_validation() -> QuerySet[Snapshot]:
    """Drafted or published snapshots whose comparison reports are stored but not (yet) their
    validation report: it follows the draft (``national.pooling.finish``)."""
    reports = SnapshotReport.objects.filter(association="")
    return Snapshot.objects.filter(
        status__in=[Snapshot.Status.DRAFT, Snapshot.Status.PUBLISHED],
        pk__in=reports.filter(kind="benchmark").values("snapshot"),
    ).exclude(pk__in=_validation_reports().values("snapshot"))


def validation_pending_list(*, include_drafts: bool) -> list[Snapshot]:
    """Snapshots whose validation report is still being computed, newest first."""
    snapshots = _validation_readers_snapshots(include_drafts=include_drafts)
    return list(snapshots.filter(pk__in=snapshots_without_validation().values("pk")))
