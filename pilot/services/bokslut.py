"""The social accounting report's editable introduction (one per association and year)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pilot.models import BokslutIntroduction
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.validators import refuse_personal_number

MAX_INTRODUCTION_CHARS = 20_000


def bokslut_introduction_save(*, actor: User | None, year: int, text: str) -> BokslutIntroduction:
    """Store (replace) the introduction of ``year``'s report; audited with its length."""
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Ange ett år med fyra siffror, t.ex. 2026.")]
    if len(text) > MAX_INTRODUCTION_CHARS:
        errors["text"] = [_("Inledningen får vara högst %d tecken.") % MAX_INTRODUCTION_CHARS]
    else:
        try:
            refuse_personal_number(text)
        except ValidationError as exc:
            errors["text"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        intro, _created = BokslutIntroduction.objects.update_or_create(
            year=year, defaults={"text": text, "updated_by": actor.username if actor else ""}
        )
        audit_record_here(
            action="pilot.bokslut_introduction_saved", actor=actor, year=year, chars=len(text)
        )
    return intro
