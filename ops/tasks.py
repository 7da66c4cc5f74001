"""Operational tasks: the worker probe behind the worker health check."""

from __future__ import annotations

from celery import shared_task

from pilot.selectors import activity_names
from tenants.db import current_schema


@shared_task(name="ops.worker_probe")
def worker_probe(*, token: str) -> dict[str, object]:
    """Report which schema the worker ran in and what it sees there.

    Used by the worker health check: proves that a task queued on an association's host is
    executed inside that association's schema.
    """
    schema = current_schema()
    names = activity_names() if schema != "public" else []
    return {"token": token, "schema": schema, "activities": names}


# Celery autodiscovers ``ops.tasks`` only: the data-protection task registers from here.
from ops.privacy.tasks import privacy_retention_apply_task  # noqa: E402

__all__ = ["privacy_retention_apply_task", "worker_probe"]
