"""The audit trail's one writer: every write service of every app records itself here.

The bottom layer's smallest face: it depends on the tenants models alone, so any app may
import it without pulling in provisioning.
"""

from __future__ import annotations

from tenants.db import current_association_slug
from tenants.models import AuditEvent, User


def audit_record(
    *, action: str, actor: User | None = None, association_slug: str = "", **details: object
) -> AuditEvent:
    """Append one audit row (public schema, whatever schema the connection is on)."""
    return AuditEvent.objects.create(
        action=action, actor=actor, association_slug=association_slug, details=details
    )


def audit_record_here(*, action: str, actor: User | None, **details: object) -> AuditEvent:
    """``audit_record`` for a write inside an association's schema, stamped with its slug."""
    return audit_record(
        action=action, actor=actor, association_slug=current_association_slug(), **details
    )
