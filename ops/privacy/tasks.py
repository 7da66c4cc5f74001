"""Scheduled data-protection task (Celery beat entry ``privacy-retention-daily``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from ops.privacy.retention import retention_apply


@shared_task(name="ops.privacy_retention_apply")
def privacy_retention_apply_task() -> dict[str, int]:
    return retention_apply(today=timezone.localdate())
