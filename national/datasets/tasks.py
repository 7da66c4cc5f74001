"""Celery tasks of researcher releases: thin and idempotent. The build is queued on commit by
:func:`national.datasets.releases.dataset_request_decide` under its stable name; the purge of
expired releases runs daily from the beat schedule (``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from national.datasets.releases import (
    BUILD_TASK,
    EXPIRE_TASK,
    dataset_build_failed,
    dataset_build_run,
    dataset_progress_set,
    dataset_releases_expire,
)

logger = logging.getLogger(__name__)


@shared_task(name=BUILD_TASK, bind=True)
def dataset_build_task(self: Task, request_id: int) -> str:
    """Build a release; progress goes to the result backend as state PROGRESS with meta
    ``{"request": id, "stage": ..., "percent": 0-100}`` (when there is one) and to the log."""
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


@shared_task(name=EXPIRE_TASK)
def dataset_releases_expire_task() -> list[int]:
    """Delete the files of every release past its end date (each purge audited)."""
    purged = dataset_releases_expire()
    if purged:
        logger.info("expired dataset releases purged: %s", purged)
    return purged
