"""The audit trail's one writer: every write service of every app records itself here.

The bottom layer's smallest face: it depends on the tenants models alone, so any app may
import it without pulling in provisioning.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from tenants.db import current_association_slug
from tenants.models import AuditEvent, User


def audit_record(
    *, action: str, actor: User | None = None, association_slug: str = "", **details: object
) -> AuditEvent:
    """Append one audit row (public schema, whatever schema the connection is on)."""
    return AuditEvent.objects.create(
        action=action, actor=actor, association_slug=association_slug, details=details
    )


def audit_insert(
    *, action: str, actor: User | None, association_slug: str = "", **details: object
) -> tuple[str, list[str], list[Sequence[object]]]:
    """The audit row as (table, columns, rows) for a caller that writes several tables in one
    statement (``pilot.services.submission_store``): the row is then stored with the data it
    records, or not at all. The table exists in the public schema only, which every
    association's search path ends with."""
    event = AuditEvent(
        action=action, actor=actor, association_slug=association_slug, details=details
    )
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    row = tuple(f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields)
    return AuditEvent._meta.db_table, [str(f.column) for f in fields], [row]


def audit_record_here(*, action: str, actor: User | None, **details: object) -> AuditEvent:
    """``audit_record`` for a write inside an association's schema, stamped with its slug."""
    return audit_record(
        action=action, actor=actor, association_slug=current_association_slug(), **details
    )
