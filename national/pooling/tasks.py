"""Celery tasks of pooling: thin, take ids, idempotent; queued on commit by the services and
the runner (by name: the names are stable, running workers and beat depend on them)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from national.pooling.runner import (
    FINISH_TASK,
    POOL_TASK,
    VALIDATION_TASK,
    WATCHDOG_TASK,
    finish_run,
    part_run,
    snapshot_watchdog,
    validation_run,
)
from national.pooling.services import SnapshotRunning, snapshot_start


@shared_task(name=POOL_TASK)
def pool_association(snapshot_id: int, association_slug: str) -> str:
    return part_run(snapshot_id=snapshot_id, association_slug=association_slug)


@shared_task(name=FINISH_TASK)
def snapshot_finish_task(snapshot_id: int) -> str:
    return finish_run(snapshot_id=snapshot_id)


@shared_task(name=VALIDATION_TASK)
def snapshot_validation_task(snapshot_id: int) -> str:
    return validation_run(snapshot_id=snapshot_id)


@shared_task(name=WATCHDOG_TASK)
def snapshot_watchdog_task() -> list[str]:
    """Celery beat (and every worker start): queue again what a dead worker left."""
    return snapshot_watchdog()


@shared_task(name="national.snapshot_scheduled")
def snapshot_scheduled() -> int:
    """Celery beat: a new snapshot every period (queued on commit by the service); none while
    one still runs."""
    try:
        return snapshot_start(actor=None).number
    except SnapshotRunning:
        return 0


@worker_ready.connect
def _recover_on_worker_start(sender: Any = None, **_kwargs: Any) -> None:
    # A worker that starts after a crash picks up the run without waiting for beat.
    if sender is not None:
        sender.app.send_task(WATCHDOG_TASK)
