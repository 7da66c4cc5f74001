"""Reads for the data-protection pages: the audit trail in a scope, an association's notice."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from tenants.models import Association, AuditEvent, User


def audit_events(
    *,
    association_slug: str | None,
    action: str = "",
    actor_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first. ``association_slug`` None: every association's and the platform's events
    (platform administrators); otherwise that association's only."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if association_slug is not None:
        events = events.filter(association_slug=association_slug)
    if action:
        events = events.filter(action=action)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if date_from is not None:
        events = events.filter(at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(at__date__lte=date_to)
    return events


def audit_actions(*, association_slug: str | None) -> list[str]:
    return sorted(
        set(audit_events(association_slug=association_slug).values_list("action", flat=True))
    )


def audit_actors(*, association_slug: str | None) -> QuerySet[User]:
    ids = audit_events(association_slug=association_slug).values("actor_id")
    return User.objects.filter(pk__in=ids).order_by("username")


def association_privacy_notice(*, association: Association | None) -> str:
    """The association's own privacy notice text ("" when it has none)."""
    return association.privacy_notice.strip() if association is not None else ""
