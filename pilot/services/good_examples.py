"""Narrative good examples (text plus optional attachment)."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from pilot.models import Activity, GoodExample, LocalItem
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.personal_numbers import personal_numbers_refuse

ALLOWED_ATTACHMENTS = {".pdf", ".docx", ".odt", ".txt", ".png", ".jpg", ".jpeg"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def good_example_report(
    *,
    actor: User | None,
    local_item: LocalItem,
    reported_on: dt.date,
    title: str,
    text: str,
    activity: Activity | None = None,
    attachment: UploadedFile | None = None,
) -> GoodExample:
    errors: dict[str, list[str]] = {}
    if local_item.kind != LocalItem.Kind.GOOD_EXAMPLE:
        errors["local_item"] = [_("Frågan är inte av typen gott exempel.")]
    try:
        personal_numbers_refuse(
            {
                "title": title,
                "text": text,
                "attachment": attachment.name if attachment is not None else "",
            }
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if attachment is not None and "attachment" not in errors:
        suffix = PurePath(attachment.name or "").suffix.lower()
        if suffix not in ALLOWED_ATTACHMENTS:
            errors["attachment"] = [
                _("Tillåtna filtyper: %s") % ", ".join(sorted(ALLOWED_ATTACHMENTS))
            ]
        elif (attachment.size or 0) > MAX_ATTACHMENT_BYTES:
            errors["attachment"] = [_("Bilagan får vara högst 10 MB.")]
    if errors:
        raise ValidationError(errors)
    example = GoodExample(
        local_item=local_item,
        activity=activity,
        reported_on=reported_on,
        title=title.strip(),
        text=text.strip(),
    )
    if attachment is not None:
        example.attachment.save(attachment.name or "bilaga", attachment, save=False)
    with transaction.atomic():
        example.full_clean()
        example.save()
        audit_record_here(
            action="pilot.good_example_reported", actor=actor, good_example=example.pk
        )
    return example
