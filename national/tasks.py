"""Celery tasks of the national layer, for Celery's autodiscovery (``<app>.tasks``): each wing
keeps its tasks with it. Task names are stable (``national.pool_association``,
``national.publish_snapshot``, ``national.publish_snapshot_after_failure``,
``national.snapshot_scheduled``, ``national.dataset_build``)."""

from __future__ import annotations

from national.datasets.tasks import dataset_build_task, dataset_releases_expire_task
from national.pooling.tasks import (
    pool_association,
    publish_snapshot,
    publish_snapshot_after_failure,
    snapshot_scheduled,
)

__all__ = [
    "dataset_build_task",
    "dataset_releases_expire_task",
    "pool_association",
    "publish_snapshot",
    "publish_snapshot_after_failure",
    "snapshot_scheduled",
]
