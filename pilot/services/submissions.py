"""Storing questionnaires: validation of every row first, then one atomic write.

Every path (web questionnaire, API, file import, synthetic data) ends here, so the rules are
the same everywhere: the form exists on the current instrument version, the occasion is one
of the form's, the activity uses the form, every answer is an item of the form with a value on
its scale (or "don't know", stored as missing), participant forms name a participant, and no
field holds a personal identity number. Errors are collected per row and field; nothing is
stored unless every row is valid.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from instrument.models import Form, InstrumentVersion, Item
from instrument.selectors import form_catalogue, instrument_version_current
from pilot.bulk import ids_reserve, rows_copy
from pilot.models import (
    Activity,
    AgeBand,
    Gender,
    ImportBatch,
    Invitation,
    LocalItem,
    Participant,
    Response,
)
from tenants.validators import looks_like_personal_number

DONT_KNOW = "dont_know"
LOCAL_PREFIX = "local:"
# Forms answered about (or by) one participant.
PARTICIPANT_FORMS = frozenset({"participant_during", "participant_exit", "staff_participant"})


@dataclass(frozen=True)
class NewParticipant:
    gender: str
    age_band: str
    started_on: dt.date


@dataclass(frozen=True)
class SubmissionInput:
    form_code: str
    occasion: str
    activity: str  # activity name (imports) or id as text (API)
    answered_on: dt.date
    answers: Mapping[str, object]
    participant_code: str | None = None
    new_participant: NewParticipant | None = None
    key: str | None = None


_ParsedAnswer = tuple[Item | None, LocalItem | None, int | None, bool, str, Decimal | None]


@dataclass
class _Context:
    """Everything validation needs, loaded once per batch."""

    version: InstrumentVersion
    forms: dict[str, Form]
    form_items: dict[str, dict[str, Item]]
    activities: dict[str, Activity]
    participants: dict[str, Participant]
    local_items: dict[str, LocalItem]
    errors: dict[str, list[str]] = field(default_factory=dict)
    parsed: dict[int, list[_ParsedAnswer]] = field(default_factory=dict)

    def add(self, row: int | None, name: str, message: str) -> None:
        key = name if row is None else f"{row}.{name}"
        self.errors.setdefault(key, []).append(message)


def _context(submissions: Sequence[SubmissionInput]) -> _Context:
    version = instrument_version_current()
    if version is None:
        raise ValidationError(_("Inget publicerat nationellt instrument finns."))
    catalogue = form_catalogue(version=version)
    forms, form_items = catalogue.forms, catalogue.items
    activities: dict[str, Activity] = {}
    for activity in Activity.objects.all():
        activities[activity.name] = activity
        activities[str(activity.pk)] = activity
    codes = {s.participant_code for s in submissions if s.participant_code}
    participants = {p.code: p for p in Participant.objects.filter(code__in=codes)}
    local_items = {i.code: i for i in LocalItem.objects.filter(active=True)}
    return _Context(version, forms, form_items, activities, participants, local_items)


def _answer_rows(ctx: _Context, row: int, sub: SubmissionInput, form: Form) -> list[_ParsedAnswer]:
    """Validate one submission's answers; return (item, local item, value, dont_know, text,
    number) tuples."""
    out: list[_ParsedAnswer] = []
    items = ctx.form_items[form.code]
    lo, hi = ctx.version.scale_min, ctx.version.scale_max
    for code, raw in sub.answers.items():
        name = f"answers.{code}"
        if isinstance(raw, str) and looks_like_personal_number(raw):
            ctx.add(row, name, _("Personnummer får inte registreras."))
            continue
        if code.startswith(LOCAL_PREFIX):
            local = ctx.local_items.get(code.removeprefix(LOCAL_PREFIX))
            if local is None or (local.form_codes and form.code not in local.form_codes):
                ctx.add(row, name, _("Okänd fråga för detta formulär."))
                continue
            parsed = _local_value(local, raw)
            if isinstance(parsed, str):
                ctx.add(row, name, parsed)
            elif parsed is not None:
                out.append((None, local, *parsed))
            continue
        item = items.get(code)
        if item is None:
            ctx.add(
                row,
                name,
                _("Frågan %(code)s finns inte i formuläret %(form)s.")
                % {"code": code, "form": form.code},
            )
            continue
        if raw is None or raw == "":
            continue  # skipped item: simply no answer row
        if raw == DONT_KNOW:
            out.append((item, None, None, True, "", None))
            continue
        try:
            value = int(str(raw))
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi or str(raw).strip() not in {str(value)}:
            ctx.add(
                row,
                name,
                _("Värdet %(value)s ligger utanför skalan %(lo)s–%(hi)s.")
                % {"value": raw, "lo": lo, "hi": hi},
            )
            continue
        out.append((item, None, value, False, "", None))
    return out


def _local_value(
    local: LocalItem, raw: object
) -> tuple[int | None, bool, str, Decimal | None] | str | None:
    """(value, dont_know, text, number) for a local item, an error message, or None if empty."""
    if raw is None or raw == "":
        return None
    if raw == DONT_KNOW:
        return (None, True, "", None)
    if local.kind == LocalItem.Kind.GOOD_EXAMPLE:
        return (None, False, str(raw), None)
    if local.kind == LocalItem.Kind.NUMBER:
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return _("Ange ett tal.")
        if (local.number_min is not None and number < local.number_min) or (
            local.number_max is not None and number > local.number_max
        ):
            return _("Talet ligger utanför tillåtet intervall.")
        return (None, False, "", number)
    top = 1 if local.kind == LocalItem.Kind.YES_NO else (local.scale_points or 0)
    bottom = 0 if local.kind == LocalItem.Kind.YES_NO else 1
    try:
        value = int(str(raw))
    except ValueError:
        return _("Ogiltigt svar.")
    if not bottom <= value <= top:
        return _("Värdet ligger utanför skalan %(lo)s–%(hi)s.") % {"lo": bottom, "hi": top}
    return (value, False, "", None)


def submissions_validate(submissions: Sequence[SubmissionInput]) -> _Context:
    """Check every submission; the returned context carries all row/field errors."""
    ctx = _context(submissions)
    today = timezone.localdate()
    seen: set[tuple[str | None, str, str, dt.date]] = set(
        Response.objects.filter(
            participant__code__in=[s.participant_code for s in submissions if s.participant_code]
        ).values_list("participant__code", "form_code", "occasion", "answered_on")
    )
    keys = [s.key for s in submissions if s.key]
    taken_keys = set(Response.objects.filter(key__in=keys).values_list("key", flat=True))
    for row, sub in enumerate(submissions):
        form = ctx.forms.get(sub.form_code)
        if form is None:
            ctx.add(row, "form_code", _("Okänt formulär: %s") % sub.form_code)
            continue
        if sub.occasion not in form.occasions:
            ctx.add(
                row, "occasion", _("Formuläret används inte vid mättillfället %s.") % sub.occasion
            )
        activity = ctx.activities.get(str(sub.activity))
        if activity is None:
            ctx.add(row, "activity", _("Okänd insats: %s") % sub.activity)
        elif form.code not in activity.form_codes:
            ctx.add(
                row,
                "activity",
                _("Insatsen %(a)s använder inte formuläret %(f)s.")
                % {"a": activity.name, "f": form.code},
            )
        if sub.answered_on > today:
            ctx.add(row, "answered_on", _("Datumet ligger i framtiden."))
        if form.code in PARTICIPANT_FORMS:
            code = (sub.participant_code or "").strip()
            if not code:
                ctx.add(row, "participant_code", _("Deltagarkod saknas."))
            elif looks_like_personal_number(code):
                ctx.add(
                    row, "participant_code", _("Personnummer får inte användas som deltagarkod.")
                )
            elif code not in ctx.participants and sub.new_participant is None:
                ctx.add(row, "participant_code", _("Okänd deltagare: %s") % code)
            elif sub.new_participant is not None:
                new = sub.new_participant
                if new.gender not in Gender.values:
                    ctx.add(row, "gender", _("Okänt kön: %s") % new.gender)
                if new.age_band not in AgeBand.values:
                    ctx.add(row, "age_band", _("Okänd åldersgrupp: %s") % new.age_band)
        elif sub.participant_code:
            ctx.add(row, "participant_code", _("Formuläret besvaras inte per deltagare."))
        if not sub.answers:
            ctx.add(row, "answers", _("Inga svar."))
        duplicate_key = (sub.participant_code, sub.form_code, sub.occasion, sub.answered_on)
        if form.code in PARTICIPANT_FORMS and duplicate_key in seen:
            ctx.add(
                row,
                "participant_code",
                _("Dubblett: samma deltagare, formulär, tillfälle och datum finns redan."),
            )
        seen.add(duplicate_key)
        if sub.key and sub.key in taken_keys:
            ctx.add(row, "key", _("Dubblett: nyckeln %s finns redan.") % sub.key)
        if sub.key:
            taken_keys.add(sub.key)
        ctx.parsed[row] = _answer_rows(ctx, row, sub, form)
    return ctx


def submission_errors_raise(ctx: _Context) -> None:
    if ctx.errors:
        raise ValidationError(ctx.errors)


@transaction.atomic
def responses_store(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
    invitation: Invitation | None = None,
) -> list[Response]:
    """Validate all, then write all: participants, responses and answers (COPY).

    With an ``idempotency_key`` a repeated call returns the responses stored the first time.
    """
    if idempotency_key:
        existing = list(
            Response.objects.filter(idempotency_key__startswith=f"{idempotency_key}#")
            .select_related("participant", "activity", "instrument_version")
            .order_by("id")
        )
        if existing:
            return existing
    ctx = submissions_validate(submissions)
    submission_errors_raise(ctx)

    new_participants: dict[str, Participant] = {}
    for sub in submissions:
        code = sub.participant_code
        if code and code not in ctx.participants and code not in new_participants:
            assert sub.new_participant is not None
            new_participants[code] = Participant(
                code=code,
                gender=sub.new_participant.gender,
                age_band=sub.new_participant.age_band,
                started_on=sub.new_participant.started_on,
                activity=ctx.activities[str(sub.activity)],
            )
    for participant in Participant.objects.bulk_create(new_participants.values()):
        ctx.participants[participant.code] = participant

    ids = ids_reserve(table="pilot_response", count=len(submissions))
    now = timezone.now()
    response_rows = []
    answer_rows = []
    for row, (sub, response_id) in enumerate(zip(submissions, ids, strict=True)):
        form = ctx.forms[sub.form_code]
        known: Participant | None = ctx.participants.get(sub.participant_code or "")
        response_rows.append(
            (
                response_id,
                sub.key or uuid.uuid4().hex,
                ctx.version.pk,
                sub.form_code,
                sub.occasion,
                ctx.activities[str(sub.activity)].pk,
                known.pk if known else None,
                form.respondent,
                sub.answered_on,
                source,
                Response.Status.SUBMITTED,
                invitation.pk if invitation else None,
                f"{idempotency_key}#{row}" if idempotency_key else None,
                import_batch.pk if import_batch else None,
                now,
            )
        )
        for item, local, value, dont_know, text, number in ctx.parsed[row]:
            answer_rows.append(
                (
                    response_id,
                    item.pk if item else None,
                    local.pk if local else None,
                    value,
                    dont_know,
                    text,
                    number,
                )
            )
    rows_copy(
        table="pilot_response",
        columns=[
            "id",
            "key",
            "instrument_version_id",
            "form_code",
            "occasion",
            "activity_id",
            "participant_id",
            "respondent",
            "answered_on",
            "source",
            "status",
            "invitation_id",
            "idempotency_key",
            "import_batch_id",
            "created_at",
        ],
        rows=response_rows,
    )
    rows_copy(
        table="pilot_answer",
        columns=["response_id", "item_id", "local_item_id", "value", "dont_know", "text", "number"],
        rows=answer_rows,
    )
    return list(
        Response.objects.filter(id__in=ids)
        .select_related("participant", "activity", "instrument_version")
        .order_by("id")
    )
