"""Pooling (the national layer's first wing): consent-gated, anonymised extraction of the
associations' core answers into numbered snapshots, their publication, and a snapshot's
pooled rows as frames. The one public face of the wing:

* :mod:`~national.pooling.services`: :func:`snapshot_start` / :func:`snapshot_resume` (audit
  row, work queued on commit; one run at a time), :func:`snapshot_publish` (a reviewed draft
  published, audited), national settings;
* :mod:`~national.pooling.runner`: parts under advisory locks, the watchdog (ADR 0015);
* :mod:`~national.pooling.extract`: one association's part (a task's work);
* :mod:`~national.pooling.finish`: reports stored, snapshot made a draft (a task's work);
* :mod:`~national.pooling.frames`: :func:`snapshot_frames`;
* :mod:`~national.pooling.tasks`: the Celery tasks (found by ``national.tasks``).
"""

from __future__ import annotations

from national.pooling.extract import pseudonym, snapshot_part_extract, snapshot_part_failed
from national.pooling.finish import snapshot_finish
from national.pooling.frames import snapshot_frames
from national.pooling.runner import snapshot_watchdog
from national.pooling.services import (
    SnapshotNotPublishable,
    SnapshotRunning,
    consenting_associations,
    national_config,
    national_config_set,
    snapshot_publish,
    snapshot_queue,
    snapshot_resume,
    snapshot_start,
)

__all__ = [
    "SnapshotNotPublishable",
    "SnapshotRunning",
    "consenting_associations",
    "national_config",
    "national_config_set",
    "pseudonym",
    "snapshot_finish",
    "snapshot_frames",
    "snapshot_part_extract",
    "snapshot_part_failed",
    "snapshot_publish",
    "snapshot_queue",
    "snapshot_resume",
    "snapshot_start",
    "snapshot_watchdog",
]
