"""Writes inside the current association's schema: activities, schedules, local items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.models import Form, InstrumentVersion, Point
from instrument.selectors import instrument_version_current
from pilot.models import Activity, LocalItem, OccasionSchedule
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.personal_numbers import personal_numbers_refuse


def _current_version() -> InstrumentVersion:
    version = instrument_version_current()
    if version is None:
        raise ValidationError(_("Inget publicerat nationellt instrument finns."))
    return version


def _check_form_codes(form_codes: Sequence[str]) -> list[str]:
    known = set(Form.objects.filter(version=_current_version()).values_list("code", flat=True))
    unknown = sorted(set(form_codes) - known)
    if unknown:
        raise ValidationError({"form_codes": [_("Okänt formulär: %s") % ", ".join(unknown)]})
    return list(dict.fromkeys(form_codes))


@transaction.atomic
def activity_create(
    *,
    actor: User | None,
    name: str,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    form_codes: Sequence[str] = (),
) -> Activity:
    personal_numbers_refuse({"name": name, "description": description})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("Slutdatum kan inte ligga före startdatum.")]})
    activity = Activity(
        name=name.strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        form_codes=_check_form_codes(form_codes) if form_codes else [],
    )
    activity.full_clean()
    activity.save()
    audit_record_here(
        action="pilot.activity_created", actor=actor, activity=activity.pk, name=activity.name
    )
    return activity


@transaction.atomic
def activity_forms_set(
    *, activity: Activity, form_codes: Sequence[str], actor: User | None
) -> Activity:
    activity.form_codes = _check_form_codes(form_codes)
    activity.save(update_fields=["form_codes"])
    audit_record_here(
        action="pilot.activity_forms_set",
        actor=actor,
        activity=activity.pk,
        form_codes=activity.form_codes,
    )
    return activity


@transaction.atomic
def schedule_add(
    *,
    activity: Activity,
    form_code: str,
    occasion: str,
    interval_months: int | None = None,
    next_on: dt.date | None = None,
    actor: User | None,
) -> OccasionSchedule:
    """Give a form at an occasion. Periodic occasions need an interval (the seed: 1–3 months)."""
    errors: dict[str, list[str]] = {}
    if form_code not in activity.form_codes:
        errors["form_code"] = [_("Insatsen använder inte formuläret.")]
    else:
        form = Form.objects.get(version=_current_version(), code=form_code)
        if occasion not in form.occasions:
            errors["occasion"] = [_("Formuläret används inte vid detta mättillfälle.")]
    if occasion == "periodic" and not interval_months:
        errors["interval_months"] = [_("Ange hur många månader det ska gå mellan mätningarna.")]
    if errors:
        raise ValidationError(errors)
    schedule = OccasionSchedule(
        activity=activity,
        form_code=form_code,
        occasion=occasion,
        interval_months=interval_months,
        next_on=next_on,
    )
    schedule.full_clean()
    schedule.save()
    audit_record_here(
        action="pilot.schedule_added",
        actor=actor,
        activity=activity.pk,
        form_code=form_code,
        occasion=occasion,
    )
    return schedule


def local_item_create(
    *,
    code: str,
    text_sv: str,
    kind: str,
    text_en: str = "",
    scale_points: int | None = None,
    scale_labels: Sequence[dict[str, object]] = (),
    number_min: Decimal | None = None,
    number_max: Decimal | None = None,
    activities: Sequence[Activity] = (),
    actor: User | None,
) -> LocalItem:
    """An association's own question. Likert items need 2–11 steps with one label per step."""
    personal_numbers_refuse(
        {"code": code, "text_sv": text_sv, "text_en": text_en, "scale_labels": list(scale_labels)}
    )
    errors: dict[str, list[str]] = {}
    labels = list(scale_labels)
    if kind == LocalItem.Kind.LIKERT:
        if scale_points is None or not 2 <= scale_points <= 11:
            errors["scale_points"] = [_("En skala behöver 2–11 steg.")]
        elif labels and [int(str(label.get("value"))) for label in labels] != list(
            range(1, scale_points + 1)
        ):
            errors["scale_labels"] = [_("Ange en etikett för varje steg 1–%d.") % scale_points]
    elif scale_points is not None or labels:
        errors["scale_points"] = [_("Bara skalfrågor har skalsteg.")]
    if number_min is not None and number_max is not None and number_max < number_min:
        errors["number_max"] = [_("Största värdet är mindre än minsta.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = LocalItem(
            code=code,
            text_sv=text_sv.strip(),
            text_en=text_en.strip(),
            kind=kind,
            scale_points=scale_points,
            scale_labels=labels,
            number_min=number_min,
            number_max=number_max,
        )
        item.full_clean()
        item.save()
        item.activities.set(activities)
        audit_record_here(action="pilot.local_item_created", actor=actor, code=item.code)
    return item


def _collected_points() -> set[int]:
    """Core points some form of some activity of this association collects, plus register."""
    form_codes = {
        code for codes in Activity.objects.values_list("form_codes", flat=True) for code in codes
    }
    version = _current_version()
    points = set(
        Point.objects.filter(version=version, items__forms__code__in=form_codes).values_list(
            "number", flat=True
        )
    )
    points.update(
        Point.objects.filter(version=version, source=Point.Source.REGISTER).values_list(
            "number", flat=True
        )
    )
    return points
