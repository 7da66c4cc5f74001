"""Queue a Celery task by its name once the current transaction commits.

Services own their side effects and queue their own work, but never import the task modules
(the tasks import the services): a task is found by its registered name. In the web process
and in tests the tasks are registered (``NationalConfig.ready``), so eager mode runs them;
in a process without them, the name is sent to the broker."""

from __future__ import annotations

from typing import Any

from celery import signature
from django.db import transaction


def task_queue_on_commit(name: str, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signature(name, args=args, kwargs=kwargs).delay())
