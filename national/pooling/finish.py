"""The report step of a run: a snapshot's reports computed and stored, and the snapshot made a
*draft* for the steering group to review — only when every part is done (a failed part fails
it; the previous published snapshot stays the one shown). Publication is a person's decision:
:func:`national.pooling.services.snapshot_publish`."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from national.models import Snapshot, SnapshotPart, SnapshotReport

logger = logging.getLogger(__name__)


def snapshot_finish(*, snapshot_id: int, validation: bool = True) -> Snapshot:
    """Compute and store the comparison reports, then make the snapshot a draft — only if
    every part is done; then (``validation``) compute and store its validation report from the
    same rows in memory. The draft does not wait for the validation report (bootstrap CIs and
    multi-group CFA take longer than every comparison report together): the steering group
    can review it meanwhile, and the validation page lists the snapshot once its report is
    stored. A snapshot past running (draft, published, failed) is left as it is."""
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    if snapshot.status != Snapshot.Status.RUNNING:
        return snapshot
    missing = snapshot.parts.exclude(status=SnapshotPart.Status.DONE)
    if missing.exists():
        snapshot.status = Snapshot.Status.FAILED
        snapshot.error = "Not done: " + ", ".join(
            missing.values_list("association_slug", flat=True)
        )
        snapshot.save(update_fields=["status", "error"])
        return snapshot
    from national.reports.store import comparison_reports_compute, pooled_snapshot_read

    # Computed before the transaction: the pooled rows are committed and never change, and
    # outside a transaction block the snapshot is read over several connections at once.
    pooled = pooled_snapshot_read(snapshot=snapshot)
    computed = comparison_reports_compute(snapshot=snapshot, pooled=pooled)
    reliability, validity = computed["reliability"], computed["validity"]
    with transaction.atomic():
        # Two finishers of one snapshot (a retried task): the second finds it a draft.
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.status != Snapshot.Status.RUNNING:
            return snapshot
        SnapshotReport.objects.filter(snapshot=snapshot).delete()
        per_association = computed.pop(SnapshotReport.Kind.ASSOCIATION)
        rows = [("", kind, payload) for kind, payload in computed.items()]
        rows += [(slug, SnapshotReport.Kind.ASSOCIATION, p) for slug, p in per_association.items()]
        _reports_copy(snapshot_id=snapshot.pk, rows=rows)
        snapshot.status = Snapshot.Status.DRAFT
        snapshot.drafted_at = timezone.now()
        snapshot.error = ""
        snapshot.save(update_fields=["status", "drafted_at", "error"])
    if validation:
        snapshot_validation_store(
            snapshot=snapshot, pooled=pooled, reliability=reliability, validity=validity
        )
    return snapshot


def snapshot_validation_store(
    *, snapshot: Snapshot, pooled: Any = None, reliability: Any = None, validity: Any = None
) -> None:
    """Compute and store the validation report of a drafted or published snapshot, replacing
    one stored before. Without ``pooled``/``reliability``/``validity`` they are read from the
    snapshot's rows and stored reports (a report step whose worker died after the draft)."""
    from national.reports.store import pooled_snapshot_read, validation_compute

    stored = dict(
        SnapshotReport.objects.filter(
            snapshot=snapshot, association="", kind__in=["reliability", "validity"]
        ).values_list("kind", "payload")
    )
    try:
        payload = validation_compute(
            snapshot=snapshot,
            pooled=pooled if pooled is not None else pooled_snapshot_read(snapshot=snapshot),
            reliability=reliability if reliability is not None else stored.get("reliability", []),
            validity=validity if validity is not None else stored.get("validity", {}),
        )
    except Exception as exc:
        # Stored as a failure, not raised: the draft stands, the page says the report could
        # not be computed (never "still being computed" for ever), and the watchdog does not
        # retry a failure that would only repeat. The next snapshot computes it afresh.
        logger.exception("validation report of snapshot %s failed", snapshot.number)
        payload = {"failed": True, "error": type(exc).__name__, "snapshot": snapshot.number}
    with transaction.atomic():
        SnapshotReport.objects.filter(
            snapshot=snapshot, association="", kind=SnapshotReport.Kind.VALIDATION
        ).delete()
        _reports_copy(snapshot_id=snapshot.pk, rows=[("", SnapshotReport.Kind.VALIDATION, payload)])


def _reports_copy(*, snapshot_id: int, rows: list[tuple[str, str, object]]) -> None:
    """Store the reports by one COPY: tens of megabytes of JSON, which INSERTs would first
    quote as SQL literals (bulk_create's UNNEST path even escapes them with a regex)."""
    now = timezone.now()
    sql = (
        f"COPY {SnapshotReport._meta.db_table} "
        "(snapshot_id, kind, association, payload, created_at) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for association, kind, payload in rows:
            # payloads are plain JSON types already (national.reports.output.to_json)
            copy.write_row((snapshot_id, kind, association, orjson.dumps(payload).decode(), now))
