"""Retention: participants past their association's retention period are erased.

A participant's last activity is the latest of their exit date, their latest questionnaire and
their start date; they are past retention when ``retention months`` have passed since then
(strictly: on the day exactly N months later they are still kept). Erasure is
:func:`ops.privacy.erasure.participant_erase`, so unreleased snapshots lose their rows too.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Max, QuerySet
from django.db.models.functions import Greatest
from django_tenants.utils import tenant_context

from ops.privacy.erasure import participant_erase
from pilot.models import Participant
from tenants.audit import audit_record
from tenants.models import Association


def retention_months(*, association: Association) -> int:
    return int(association.retention_months or settings.NNS_RETENTION_MONTHS_DEFAULT)


def retention_cutoff(*, association: Association, today: dt.date) -> dt.date:
    """Participants whose last activity is before this date are past retention."""
    return today - relativedelta(months=retention_months(association=association))


def participants_past_retention(*, cutoff: dt.date) -> QuerySet[Participant]:
    """In the current association's schema."""
    return (
        Participant.objects.annotate(
            last_answer=Max("responses__answered_on"),
        )
        .annotate(last_activity=Greatest("started_on", "exited_on", "last_answer"))
        .filter(last_activity__lt=cutoff)
        .order_by("pk")
    )


def association_retention_apply(*, association: Association, today: dt.date) -> int:
    """Erase this association's participants past retention; one audit row for the run."""
    cutoff = retention_cutoff(association=association, today=today)
    with tenant_context(association):
        past = list(participants_past_retention(cutoff=cutoff))
        for participant in past:
            participant_erase(actor=None, participant=participant, reason="retention")
    audit_record(
        action="privacy.retention_applied",
        actor=None,
        association_slug=association.slug,
        months=retention_months(association=association),
        cutoff=cutoff.isoformat(),
        erased=len(past),
    )
    return len(past)


def retention_apply(*, today: dt.date) -> dict[str, int]:
    """Every association's retention run (the daily Celery beat task)."""
    return {
        association.slug: association_retention_apply(association=association, today=today)
        for association in Association.objects.exclude(schema_name="public").order_by("slug")
    }
