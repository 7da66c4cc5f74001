"""Writes of an association's data-protection settings."""

from __future__ import annotations

from django.db import transaction

from tenants.audit import audit_record
from tenants.models import Association, User


@transaction.atomic
def association_privacy_set(
    *,
    actor: User | None,
    association: Association,
    retention_months: int | None,
    privacy_notice: str,
) -> Association:
    """Retention period (None: the platform default) and the privacy notice text."""
    association.retention_months = retention_months
    association.privacy_notice = privacy_notice.strip()
    association.full_clean()
    association.save(update_fields=["retention_months", "privacy_notice"])
    audit_record(
        action="association.settings_changed",
        actor=actor,
        association_slug=association.slug,
        retention_months=retention_months,
        privacy_notice_chars=len(association.privacy_notice),
    )
    return association
