"""Validating a batch against what ``submission_context`` read: per row and field errors."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from instrument.models import Form
from pilot.models import LocalItem
from pilot.services.submission_context import ParsedAnswer, SubmissionContext
from pilot.services.submission_inputs import (
    AGE_BAND_CODES,
    DONT_KNOW,
    GENDER_CODES,
    LOCAL_PREFIX,
    PARTICIPANT_FORMS,
    SubmissionInput,
)
from tenants.personal_numbers import looks_like_personal_number, participant_code_errors


def _answer_rows(
    ctx: SubmissionContext, row: int, sub: SubmissionInput, form: Form
) -> list[ParsedAnswer]:
    """Validate one submission's answers; return (item, local item, value, dont_know, text,
    number) tuples."""
    out: list[ParsedAnswer] = []
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
            asked_in = ctx.local_activities.get(local.code)
            activity = ctx.activities.get(str(sub.activity))
            if asked_in and activity is not None and activity.pk not in asked_in:
                ctx.add(row, name, _("Frågan ställs inte i insatsen %s.") % activity.name)
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


def submissions_check(ctx: SubmissionContext, submissions: Sequence[SubmissionInput]) -> None:
    today = timezone.localdate()
    seen = set(ctx.seen)
    taken_keys = set(ctx.taken_keys)
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
        if activity is None and looks_like_personal_number(str(sub.activity)):
            ctx.add(row, "activity", _("Personnummer får inte registreras."))
        elif activity is None:
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
            elif code not in ctx.participants and (messages := participant_code_errors(code)):
                for message in messages:
                    ctx.add(row, "participant_code", message)
            elif sub.new_participant is not None:
                new = sub.new_participant
                if new.gender not in GENDER_CODES:
                    ctx.add(row, "gender", _("Okänt kön: %s") % new.gender)
                if new.age_band not in AGE_BAND_CODES:
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


def submission_errors_raise(ctx: SubmissionContext) -> None:
    if ctx.errors:
        raise ValidationError(ctx.errors)
