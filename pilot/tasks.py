"""Celery tasks of the association layer: e-mail invitations, reminders, schedules (issue 17).

The beat tasks run in the public schema and visit every association's schema in turn."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import tenant_context

from pilot.models import Invitation
from pilot.services.invitation_mail import invitations_remind, invitations_send
from pilot.services.schedules import schedules_run
from tenants.models import Association, User


@shared_task(name="pilot.invitations_send_batch")
def invitations_send_batch(*, batch: str, base_url: str | None, actor_id: int | None) -> int:
    """Queued on commit by pilot.services.invitations_issue (in the association's schema)."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    invitations = list(Invitation.objects.select_related("activity").filter(batch=batch))
    return invitations_send(invitations=invitations, base_url=base_url, actor=actor).sent


def _associations() -> list[Association]:
    return list(Association.objects.exclude(schema_name="public"))


@shared_task(name="pilot.invitation_reminders_due")
def invitation_reminders_due() -> int:
    today = timezone.localdate()
    sent = 0
    for association in _associations():
        with tenant_context(association):
            sent += invitations_remind(today=today, actor=None).sent
    return sent


@shared_task(name="pilot.schedules_due")
def schedules_due() -> int:
    today = timezone.localdate()
    issued = 0
    for association in _associations():
        with tenant_context(association):
            issued += len(schedules_run(today=today, actor=None))
    return issued
