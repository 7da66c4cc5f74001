"""Single-use, expiring questionnaire links and short codes."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from instrument.models import Form
from instrument.selectors import instrument_version_current
from pilot.models import Activity, Invitation, Participant, Response
from pilot.services.submission_inputs import PARTICIPANT_FORMS, SubmissionInput
from pilot.services.submission_store import AuditEntry, responses_write
from tenants.audit import audit_record_here
from tenants.models import User
from vocabulary import label

# No 0/O, 1/I/L: short codes are typed from paper.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 8
MAX_BATCH = 1000


def _short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


@transaction.atomic
def invitations_issue(
    *,
    form_code: str,
    occasion: str,
    activity: Activity,
    participants: Sequence[Participant] = (),
    count: int = 0,
    valid_days: int = 30,
    actor: User | None,
) -> list[Invitation]:
    """Issue one invitation per participant (participant forms) or ``count`` anonymous ones."""
    errors: dict[str, list[str]] = {}
    form = Form.objects.filter(version=instrument_version_current(), code=form_code).first()
    if form is None:
        errors["form_code"] = [_("Okänt formulär: %s") % form_code]
    else:
        if occasion not in form.occasions:
            errors["occasion"] = [
                _("Formuläret används inte vid mättillfället %s.")
                % label("occasion", occasion, get_language()).lower()
            ]
        if form_code not in activity.form_codes:
            errors["form_code"] = [_("Insatsen använder inte formuläret.")]
        if form_code in PARTICIPANT_FORMS and not participants:
            errors["participants"] = [_("Ange deltagarna som ska få länkar.")]
        if form_code not in PARTICIPANT_FORMS and (participants or not 1 <= count <= MAX_BATCH):
            errors["count"] = [_("Ange antal länkar (1–%d).") % MAX_BATCH]
    if not 1 <= valid_days <= 365:
        errors["valid_days"] = [_("Giltighetstiden ska vara 1–365 dagar.")]
    if len(participants) > MAX_BATCH:
        errors["participants"] = [_("Högst %d länkar åt gången.") % MAX_BATCH]
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + dt.timedelta(days=valid_days)
    batch = uuid.uuid4().hex[:12]
    targets: Sequence[Participant | None] = list(participants) or [None] * count
    version = instrument_version_current()
    invitations = Invitation.objects.bulk_create(
        Invitation(
            token=secrets.token_urlsafe(24),
            short_code=_short_code(),
            form_code=form_code,
            occasion=occasion,
            activity=activity,
            participant=participant,
            batch=batch,
            instrument_version=version,
            expires_at=expires_at,
        )
        for participant in targets
    )
    audit_record_here(
        action="pilot.invitations_issued",
        actor=actor,
        batch=batch,
        form_code=form_code,
        occasion=occasion,
        count=len(invitations),
    )
    return invitations


class InvitationUnusable(Exception):
    """The link is used, expired or unknown; ``reason`` says which, for the respondent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_open(*, token: str | None = None, short_code: str | None = None) -> Invitation:
    """The invitation behind a link or a typed short code, if it can still be answered."""
    qs = Invitation.objects.select_related("activity", "participant")
    if token:
        invitation = qs.filter(token=token).first()
    else:
        code = (short_code or "").strip().upper().replace("-", "").replace(" ", "")
        invitation = qs.filter(short_code=code).first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.used_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    return invitation


def invitation_draft_save(
    *, invitation: Invitation, answers: dict[str, str], actor: User | None
) -> Invitation:
    """Keep what has been answered so far (save as you go).

    Respondents answer anonymously through the link: ``actor`` is None for them, and the
    audit row (``pilot.respondent_draft_saved``) names the invitation, never a person."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise InvitationUnusable("used")
        locked.draft_answers = {**locked.draft_answers, **answers}
        locked.save(update_fields=["draft_answers"])
        audit_record_here(
            action="pilot.respondent_draft_saved",
            actor=actor,
            invitation=locked.pk,
            answers=len(answers),
        )
    return locked


def invitation_submit(
    *, invitation: Invitation, answers: dict[str, str], actor: User | None
) -> Response:
    """Store the questionnaire and use up the link, atomically; a second submit stores nothing.

    Anonymous respondents submit with ``actor`` None; the one audit row is
    ``pilot.respondent_submitted`` (the invitation, not a person)."""
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("activity", "participant")
            .get(pk=invitation.pk)
        )
        if locked.used_at is not None:
            raise InvitationUnusable("used")
        if locked.expires_at <= timezone.now():
            raise InvitationUnusable("expired")
        submission = SubmissionInput(
            form_code=locked.form_code,
            occasion=locked.occasion,
            activity=str(locked.activity_id),
            answered_on=timezone.localdate(),
            answers=answers,
            participant_code=locked.participant.code if locked.participant else None,
            key=f"web-{locked.token[:16]}",
        )
        [response] = responses_write(
            submissions=[submission],
            source="web",
            audit=AuditEntry("pilot.respondent_submitted", actor, {"invitation": locked.pk}),
            invitation=locked,
        ).responses
        locked.used_at = timezone.now()
        locked.draft_answers = {}
        locked.save(update_fields=["used_at", "draft_answers"])
    return response
