"""Celery tasks of the national layer: thin, take ids, idempotent, queued on commit."""

from __future__ import annotations

import logging

from celery import Task, chord, shared_task
from django.db import transaction

from national.models import Snapshot, SnapshotPart
from national.services import (
    snapshot_part_extract,
    snapshot_part_failed,
    snapshot_publish,
    snapshot_start,
)

logger = logging.getLogger(__name__)


@shared_task(name="national.pool_association", bind=True)
def pool_association(self: object, snapshot_id: int, association_slug: str) -> str:
    try:
        snapshot_part_extract(snapshot_id=snapshot_id, association_slug=association_slug)
    except Exception as exc:
        snapshot_part_failed(
            snapshot_id=snapshot_id, association_slug=association_slug, error=repr(exc)
        )
        raise
    return association_slug


@shared_task(name="national.publish_snapshot")
def publish_snapshot(_results: object, snapshot_id: int) -> int:
    return snapshot_publish(snapshot_id=snapshot_id).number


@shared_task(name="national.publish_snapshot_after_failure")
def publish_snapshot_after_failure(*_args: object, snapshot_id: int) -> None:
    # A part failed: record the snapshot as failed (it never publishes partially).
    snapshot_publish(snapshot_id=snapshot_id)


def snapshot_run_queue(*, snapshot: Snapshot) -> None:
    """Fan out one task per pending part, then publish (a chord), once the transaction commits."""
    slugs = list(
        snapshot.parts.exclude(status=SnapshotPart.Status.DONE).values_list(
            "association_slug", flat=True
        )
    )
    snapshot_id = snapshot.pk

    def queue() -> None:
        header = [pool_association.si(snapshot_id, slug) for slug in slugs]
        callback = publish_snapshot.s(snapshot_id=snapshot_id)
        if not header:
            publish_snapshot.delay(None, snapshot_id=snapshot_id)
            return
        chord(header)(callback.on_error(publish_snapshot_after_failure.si(snapshot_id=snapshot_id)))

    transaction.on_commit(queue)


@shared_task(name="national.snapshot_scheduled")
def snapshot_scheduled() -> int:
    """Celery beat: a new snapshot every period."""
    with transaction.atomic():
        snapshot = snapshot_start(actor=None)
        snapshot_run_queue(snapshot=snapshot)
    return snapshot.number


@shared_task(name="national.dataset_build", bind=True)
def dataset_build_task(self: Task, request_id: int) -> str:
    """Build a release; progress goes to the result backend as state PROGRESS with meta
    ``{"request": id, "stage": ..., "percent": 0-100}`` (when there is one) and to the log."""
    from national.releases import dataset_build_failed, dataset_build_run, dataset_progress_set

    last = -1

    def progress(stage: str, share: float) -> None:
        nonlocal last
        percent = int(share * 100)
        if percent == last:
            return
        last = percent
        logger.info("dataset %s: %s %d %%", request_id, stage, percent)
        dataset_progress_set(request_id=request_id, stage=stage, percent=percent)
        if self.request.id and not self.request.called_directly:
            meta = {"request": request_id, "stage": stage, "percent": percent}
            self.update_state(state="PROGRESS", meta=meta)

    try:
        return dataset_build_run(request_id=request_id, progress=progress).status
    except Exception as exc:
        dataset_build_failed(request_id=request_id, error=repr(exc))
        raise
