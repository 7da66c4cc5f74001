"""Who gets questionnaires by e-mail: recipient lists for the half-yearly staff, manager,
board and partner-management forms, and participants' own addresses.

Minimal personal data: a name and an address, nothing else; every bad line of a pasted list
is reported at once (``Rad n: …``) and nothing is stored unless every line is right. Audit
rows count rows and never name an address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from pilot.models import Participant, Recipient
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.personal_numbers import looks_like_personal_number, personal_numbers_refuse

MAX_LINES = 2000
_SEPARATORS = re.compile(r"\s*[;,\t]\s*")


@dataclass(frozen=True)
class RecipientLine:
    name: str
    email: str


def _address(text: str) -> str:
    email = text.strip().strip("<>").strip().lower()
    validate_email(email)
    return email


def _lines(text: str) -> list[tuple[int, str]]:
    found = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not found:
        raise ValidationError({"lines": [_("Skriv minst en rad.")]})
    if len(found) > MAX_LINES:
        raise ValidationError({"lines": [_("Högst %d rader åt gången.") % MAX_LINES]})
    return found


def recipient_lines_parse(text: str) -> list[RecipientLine]:
    """``Anna Berg; anna.berg@kommun.se`` (or ``Anna Berg <adress>``, or an address alone),
    one per line."""
    parsed: list[RecipientLine] = []
    errors: list[str] = []
    for number, line in _lines(text):
        if match := re.fullmatch(r"(.*?)\s*<([^>]+)>", line):
            name, raw = match.group(1), match.group(2)
        else:
            *names, raw = _SEPARATORS.split(line)
            name = " ".join(names)
        name = name.strip().strip('"').strip()
        if looks_like_personal_number(name):
            errors.append(_("Rad %(n)d: skriv inte personnummer.") % {"n": number})
            continue
        try:
            parsed.append(RecipientLine(name[:200], _address(raw)))
        except ValidationError:
            errors.append(
                _("Rad %(n)d: %(text)s är ingen e-postadress.") % {"n": number, "text": raw[:60]}
            )
    if errors:
        raise ValidationError({"lines": errors})
    return parsed


@transaction.atomic
def recipients_add(*, group: str, text: str, actor: User | None) -> int:
    """Add the pasted names and addresses to one group's list; an address already in the
    group keeps its row (name updated, active again). Returns how many rows are new."""
    if group not in Recipient.Group.values:
        raise ValidationError(
            {"group": [_("Välj personal, förbundschef, styrelse eller chefsgrupp.")]}
        )
    lines = recipient_lines_parse(text)
    personal_numbers_refuse({"lines": [line.name for line in lines]})
    created = 0
    for line in lines:
        _row, new = Recipient.objects.update_or_create(
            group=group, email=line.email, defaults={"name": line.name, "active": True}
        )
        created += new
    audit_record_here(
        action="pilot.recipients_added", actor=actor, group=group, rows=len(lines), new=created
    )
    return created


@transaction.atomic
def recipient_remove(*, recipient: Recipient, actor: User | None) -> None:
    """Forget a name and address; invitations already sent keep their status."""
    audit_record_here(action="pilot.recipient_removed", actor=actor, group=recipient.group)
    recipient.delete()


@transaction.atomic
def participant_emails_set(*, text: str, actor: User | None) -> int:
    """``KOD; adress`` per line: each participant's own address for e-mailed questionnaires
    (``KOD;`` with no address forgets it). Unknown codes and bad addresses are all reported
    at once. Returns how many participants changed."""
    rows: list[tuple[Participant, str]] = []
    errors: list[str] = []
    for number, line in _lines(text):
        code, _sep, raw = line.replace(",", ";").replace("\t", ";").partition(";")
        code = code.strip()
        participant = Participant.objects.filter(code=code).first()
        if participant is None:
            errors.append(
                _("Rad %(n)d: deltagaren %(code)s finns inte.") % {"n": number, "code": code[:40]}
            )
            continue
        try:
            rows.append((participant, _address(raw) if raw.strip() else ""))
        except ValidationError:
            errors.append(
                _("Rad %(n)d: %(text)s är ingen e-postadress.")
                % {"n": number, "text": raw.strip()[:60]}
            )
    if errors:
        raise ValidationError({"lines": errors})
    changed = 0
    for participant, email in rows:
        if participant.email != email:
            Participant.objects.filter(pk=participant.pk).update(email=email)
            changed += 1
    audit_record_here(action="pilot.participant_emails_set", actor=actor, changed=changed)
    return changed
