"""Participants (pseudonymous) and register data (point 20)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.targets import RegisterOutcome
from pilot.models import Activity, MunicipalityYear, Participant
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.validators import looks_like_personal_number


@transaction.atomic
def participant_register(
    *,
    code: str,
    gender: str,
    age_band: str,
    activity: Activity,
    started_on: dt.date,
    actor: User | None,
) -> Participant:
    code = code.strip()
    if looks_like_personal_number(code):
        raise ValidationError({"code": [_("Personnummer får inte användas som deltagarkod.")]})
    participant = Participant(
        code=code, gender=gender, age_band=age_band, activity=activity, started_on=started_on
    )
    participant.full_clean()
    participant.save()
    audit_record_here(
        action="pilot.participant_registered", actor=actor, participant=participant.pk
    )
    return participant


@transaction.atomic
def participant_exit_record(
    *,
    actor: User | None,
    participant: Participant,
    exited_on: dt.date | None,
    exit_outcome: str,
    subsidised_work: bool = False,
    followup_months: int | None = None,
    followup_status: str = "",
) -> Participant:
    """Exit and register outcome. Subsidised work counts as work (self-support)."""
    errors: dict[str, list[str]] = {}
    if exit_outcome and exit_outcome not in RegisterOutcome.values:
        errors["exit_outcome"] = [_("Okänt utfall.")]
    if exit_outcome and exit_outcome != RegisterOutcome.STILL_IN and exited_on is None:
        errors["exited_on"] = [_("Ange avslutsdatum.")]
    if exited_on and exited_on < participant.started_on:
        errors["exited_on"] = [_("Avslutsdatum före startdatum.")]
    if subsidised_work and exit_outcome != RegisterOutcome.WORK:
        errors["subsidised_work"] = [_("Subventionerad anställning räknas som arbete.")]
    if followup_status and not followup_months:
        errors["followup_months"] = [_("Ange efter hur många månader uppföljningen gjordes.")]
    if errors:
        raise ValidationError(errors)
    participant.exited_on = exited_on
    participant.exit_outcome = exit_outcome
    participant.subsidised_work = subsidised_work
    participant.followup_months = followup_months
    participant.followup_status = followup_status
    participant.full_clean()
    participant.save()
    audit_record_here(
        action="pilot.participant_exit_recorded",
        actor=actor,
        participant=participant.pk,
        exit_outcome=exit_outcome,
    )
    return participant


@transaction.atomic
def municipality_year_upsert(
    *,
    actor: User | None,
    municipality: str,
    year: int,
    sickness_disability_fte: Decimal,
    labour_market_fte: Decimal,
    financial_assistance_fte: Decimal,
    population_20_64: int,
) -> MunicipalityYear:
    """Full-year equivalents per municipality and year (as in the social accounting report)."""
    row = _municipality_year_save(
        municipality=municipality,
        year=year,
        sickness_disability_fte=sickness_disability_fte,
        labour_market_fte=labour_market_fte,
        financial_assistance_fte=financial_assistance_fte,
        population_20_64=population_20_64,
    )
    audit_record_here(
        action="pilot.municipality_year_saved",
        actor=actor,
        municipality=row.municipality,
        year=year,
    )
    return row


def _municipality_year_save(
    *,
    municipality: str,
    year: int,
    sickness_disability_fte: Decimal,
    labour_market_fte: Decimal,
    financial_assistance_fte: Decimal,
    population_20_64: int,
) -> MunicipalityYear:
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": [_("Orimligt år.")]})
    values: dict[str, Decimal | int] = {
        "sickness_disability_fte": sickness_disability_fte,
        "labour_market_fte": labour_market_fte,
        "financial_assistance_fte": financial_assistance_fte,
        "population_20_64": population_20_64,
    }
    negative = [k for k, v in values.items() if v < 0]
    if negative:
        raise ValidationError({k: [_("Får inte vara negativt.")] for k in negative})
    row, _created = MunicipalityYear.objects.update_or_create(
        municipality=municipality.strip(), year=year, defaults=values
    )
    return row


MUNICIPALITY_COLUMNS = [
    "municipality",
    "year",
    "sickness_disability_fte",
    "labour_market_fte",
    "financial_assistance_fte",
    "population_20_64",
]


def municipality_years_import(*, filename: str, content: bytes, actor: User | None) -> int:
    """A file of municipality-year rows (CSV or XLSX, columns as MUNICIPALITY_COLUMNS): every
    row is checked first; any error rejects the file with (row, column) messages."""
    from pilot.services.imports import CellError, ImportRejected, rows_from_file

    header, rows = rows_from_file(filename, content)
    errors = [
        CellError(1, c, _("Kolumnen saknas.")) for c in MUNICIPALITY_COLUMNS if c not in header
    ]
    errors += [
        CellError(1, c, _("Okänd kolumn (fråga eller fält)."))
        for c in header
        if c not in MUNICIPALITY_COLUMNS
    ]
    parsed = []
    for index, row in enumerate(rows):
        number = index + 2
        values: dict[str, object] = {"municipality": row.get("municipality", "").strip()}
        if not values["municipality"]:
            errors.append(CellError(number, "municipality", _("Ange kommun.")))
        for column in MUNICIPALITY_COLUMNS[1:]:
            text = row.get(column, "").replace(",", ".").replace(" ", "")
            try:
                number_value = Decimal(text)
            except (InvalidOperation, ValueError):
                errors.append(CellError(number, column, _("Ange ett tal.")))
                continue
            if number_value < 0:
                errors.append(CellError(number, column, _("Får inte vara negativt.")))
            values[column] = (
                int(number_value) if column in {"year", "population_20_64"} else number_value
            )
        parsed.append(values)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for values in parsed:
            _municipality_year_save(**values)  # type: ignore[arg-type]
        audit_record_here(
            action="pilot.municipality_years_imported",
            actor=actor,
            filename=filename[:255],
            rows=len(parsed),
        )
    return len(parsed)
