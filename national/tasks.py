"""Celery tasks of the national layer, for Celery's autodiscovery (``<app>.tasks``): each wing
keeps its tasks with it. Task names are stable (``national.pool_association``,
``national.snapshot_finish``, ``national.snapshot_watchdog``, ``national.snapshot_scheduled``,
``national.dataset_build``)."""

from __future__ import annotations

from national.datasets.tasks import dataset_build_task, dataset_releases_expire_task
from national.pooling.tasks import (
    pool_association,
    snapshot_finish_task,
    snapshot_scheduled,
    snapshot_watchdog_task,
)

__all__ = [
    "dataset_build_task",
    "dataset_releases_expire_task",
    "pool_association",
    "snapshot_finish_task",
    "snapshot_scheduled",
    "snapshot_watchdog_task",
]
