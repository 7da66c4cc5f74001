"""Celery tasks of pooling: thin, take ids, idempotent; queued on commit by the services
(by name: the names are stable, running workers and beat depend on them)."""

from __future__ import annotations

from celery import shared_task

from national.pooling.extract import snapshot_part_extract, snapshot_part_failed
from national.pooling.publish import snapshot_publish
from national.pooling.services import (
    POOL_TASK,
    PUBLISH_AFTER_FAILURE_TASK,
    PUBLISH_TASK,
    snapshot_start,
)


@shared_task(name=POOL_TASK, bind=True)
def pool_association(self: object, snapshot_id: int, association_slug: str) -> str:
    try:
        snapshot_part_extract(snapshot_id=snapshot_id, association_slug=association_slug)
    except Exception as exc:
        snapshot_part_failed(
            snapshot_id=snapshot_id, association_slug=association_slug, error=repr(exc)
        )
        raise
    return association_slug


@shared_task(name=PUBLISH_TASK)
def publish_snapshot(_results: object, snapshot_id: int) -> int:
    return snapshot_publish(snapshot_id=snapshot_id).number


@shared_task(name=PUBLISH_AFTER_FAILURE_TASK)
def publish_snapshot_after_failure(*_args: object, snapshot_id: int) -> None:
    # A part failed: record the snapshot as failed (it never publishes partially).
    snapshot_publish(snapshot_id=snapshot_id)


@shared_task(name="national.snapshot_scheduled")
def snapshot_scheduled() -> int:
    """Celery beat: a new snapshot every period (queued on commit by the service)."""
    return snapshot_start(actor=None).number
