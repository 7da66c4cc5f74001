"""Running a snapshot so that it survives a killed worker (ADR 0015).

Whoever works on a part (or on the report step) holds a PostgreSQL session advisory lock on
it for as long as it works. A worker that dies loses its connection, and PostgreSQL releases
the lock with it. So the watchdog can tell a dead part from a busy one without guessing from
times: a part marked running whose lock is free has lost its worker and is queued again at
once; a part still pending is queued again only when its message has waited longer than
``NNS_POOLING_STALE_SECONDS`` (a lost message). Every step is idempotent (a part deletes what
an interrupted attempt left before it writes), so a duplicate message costs a lookup, never a
duplicate row. The watchdog runs from Celery beat and whenever a worker starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from national.models import Snapshot, SnapshotPart
from national.selectors import snapshots_without_validation
from national.tasking import task_queue_on_commit

POOL_TASK = "national.pool_association"
FINISH_TASK = "national.snapshot_finish"
WATCHDOG_TASK = "national.snapshot_watchdog"
VALIDATION_TASK = "national.snapshot_validation"

# advisory lock classes (first key of pg_advisory_lock(int, int)): "NNS" + 1 / 2
_PART_LOCK = 0x4E4E5301
_FINISH_LOCK = 0x4E4E5302
# a part whose worker died this many times is failed (it may be what kills the worker)
MAX_ATTEMPTS = 5


@contextmanager
def advisory_lock(kind: int, key: int) -> Iterator[bool]:
    """Try to take a session advisory lock; yields whether this connection holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [kind, key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [kind, key])


def _lock_free(kind: int, key: int) -> bool:
    with advisory_lock(kind, key) as held:
        return held


def part_queue(*, part: SnapshotPart) -> None:
    """Mark the part queued now and send its task once the transaction commits."""
    part.queued_at = timezone.now()
    part.save(update_fields=["queued_at"])
    task_queue_on_commit(POOL_TASK, part.snapshot_id, part.association_slug)


def finish_queue(*, snapshot: Snapshot) -> None:
    snapshot.finish_queued_at = timezone.now()
    snapshot.save(update_fields=["finish_queued_at"])
    task_queue_on_commit(FINISH_TASK, snapshot.pk)


def part_run(*, snapshot_id: int, association_slug: str) -> str:
    """A worker's whole job for one part: take its lock (or leave it to whoever holds it),
    mark it running, extract, then settle the snapshot. Returns what happened."""
    from national.pooling.extract import snapshot_part_extract, snapshot_part_failed

    part = SnapshotPart.objects.filter(
        snapshot_id=snapshot_id, association_slug=association_slug
    ).first()
    if part is None or part.status in (SnapshotPart.Status.DONE, SnapshotPart.Status.FAILED):
        return "skipped"
    with advisory_lock(_PART_LOCK, part.pk) as held:
        if not held:
            return "busy"  # another worker is on it (a duplicate message)
        part.refresh_from_db()
        if part.status in (SnapshotPart.Status.DONE, SnapshotPart.Status.FAILED):
            return "skipped"
        part.status = SnapshotPart.Status.RUNNING
        part.started_at = timezone.now()
        part.attempts += 1
        part.save(update_fields=["status", "started_at", "attempts"])
        try:
            snapshot_part_extract(snapshot_id=snapshot_id, association_slug=association_slug)
        except Exception as exc:
            snapshot_part_failed(
                snapshot_id=snapshot_id, association_slug=association_slug, error=repr(exc)
            )
            snapshot_settle(snapshot_id=snapshot_id)
            raise
    snapshot_settle(snapshot_id=snapshot_id)
    return "done"


@transaction.atomic
def snapshot_settle(*, snapshot_id: int) -> None:
    """After a part ended: when none is left to do, fail the snapshot (a part failed) or
    queue its report step."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
    if snapshot.status != Snapshot.Status.RUNNING or snapshot.finish_queued_at is not None:
        return
    statuses = set(snapshot.parts.values_list("status", flat=True))
    if statuses & {SnapshotPart.Status.PENDING, SnapshotPart.Status.RUNNING}:
        return
    if SnapshotPart.Status.FAILED in statuses:
        failed = snapshot.parts.filter(status=SnapshotPart.Status.FAILED)
        snapshot.status = Snapshot.Status.FAILED
        snapshot.error = "Not done: " + ", ".join(failed.values_list("association_slug", flat=True))
        snapshot.save(update_fields=["status", "error"])
        return
    finish_queue(snapshot=snapshot)


def finish_run(*, snapshot_id: int) -> str:
    """A worker's job for the report step, under the snapshot's lock."""
    from national.pooling.finish import snapshot_finish

    with advisory_lock(_FINISH_LOCK, snapshot_id) as held:
        if not held:
            return "busy"
        snapshot_finish(snapshot_id=snapshot_id)
    return "done"


def validation_run(*, snapshot_id: int) -> str:
    """A worker's job when a report step died after its draft: the validation report, under
    the snapshot's report lock."""
    from national.pooling.finish import snapshot_validation_store

    with advisory_lock(_FINISH_LOCK, snapshot_id) as held:
        if not held:
            return "busy"
        snapshot = snapshots_without_validation().filter(pk=snapshot_id).first()
        if snapshot is None:
            return "skipped"
        snapshot_validation_store(snapshot=snapshot)
    return "done"


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.NNS_POOLING_STALE_SECONDS)


@transaction.atomic
def snapshot_watchdog() -> list[str]:
    """Queue again whatever a dead worker or a lost message left of the running snapshot.
    Returns what it queued (``"<number>:<association>"``, ``"<number>:reports"``,
    ``"<number>:validation"``)."""
    queued: list[str] = []
    snapshot = Snapshot.objects.select_for_update(skip_locked=True).filter(
        status=Snapshot.Status.RUNNING
    )
    for run in snapshot:
        stale = _stale_before()
        open_parts = run.parts.exclude(
            status__in=[SnapshotPart.Status.DONE, SnapshotPart.Status.FAILED]
        )
        for part in open_parts:
            if not _lock_free(_PART_LOCK, part.pk):
                continue  # a live worker is on it
            dead = part.status == SnapshotPart.Status.RUNNING
            lost = part.queued_at is None or part.queued_at < stale
            if not (dead or lost):
                continue
            if dead and part.attempts >= MAX_ATTEMPTS:
                part.status = SnapshotPart.Status.FAILED
                part.error = f"gave up after {part.attempts} attempts"
                part.save(update_fields=["status", "error"])
                continue
            part.status = SnapshotPart.Status.PENDING
            part.save(update_fields=["status"])
            part_queue(part=part)
            queued.append(f"{run.number}:{part.association_slug}")
        if not open_parts.exists():
            finish_lost = run.finish_queued_at is None or run.finish_queued_at < stale
            if finish_lost and _lock_free(_FINISH_LOCK, run.pk):
                run.finish_queued_at = None
                run.save(update_fields=["finish_queued_at"])
                snapshot_settle(snapshot_id=run.pk)
                queued.append(f"{run.number}:reports")
    # A report step whose worker died after the draft: its validation report.
    stale = _stale_before()
    for run in snapshots_without_validation().select_for_update(skip_locked=True):
        lost = run.finish_queued_at is None or run.finish_queued_at < stale
        if lost and _lock_free(_FINISH_LOCK, run.pk):
            run.finish_queued_at = timezone.now()
            run.save(update_fields=["finish_queued_at"])
            task_queue_on_commit(VALIDATION_TASK, run.pk)
            queued.append(f"{run.number}:validation")
    return queued
