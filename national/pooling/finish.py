"""The report step of a run: a snapshot's reports computed and stored, and the snapshot made a
*draft* for the steering group to review — only when every part is done (a failed part fails
it; the previous published snapshot stays the one shown). Publication is a person's decision:
:func:`national.pooling.services.snapshot_publish`."""

from __future__ import annotations

import orjson
from django.db import connection, transaction
from django.utils import timezone

from national.models import Snapshot, SnapshotPart, SnapshotReport


def snapshot_finish(*, snapshot_id: int) -> Snapshot:
    """Compute and store the reports, then make the snapshot a draft — only if every part is
    done. A snapshot past running (draft, published, failed) is left as it is."""
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
    from national.reports.store import reports_compute

    # Computed before the transaction: the pooled rows are committed and never change, and
    # outside a transaction block the snapshot is read over several connections at once.
    computed = reports_compute(snapshot=snapshot)
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
    return snapshot


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
