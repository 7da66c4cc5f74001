"""Participants (pseudonymous) and register data (point 20)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.targets import RegisterOutcome
from pilot.models import Activity, MunicipalityYear, Participant
from tenants.audit import audit_record_here
from tenants.models import User
from tenants.personal_numbers import (
    PERSONAL_NUMBER_MESSAGE,
    looks_like_personal_number,
    participant_code_errors,
    personal_numbers_refuse,
)
from vocabulary.municipalities import municipality_find, municipality_suggestion


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
    if messages := participant_code_errors(code):
        raise ValidationError({"code": messages})
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


def _register_values(*, year: int, **values: Decimal | int) -> dict[str, Decimal | int]:
    """The register figures of one row, checked: a plausible year, no negative value."""
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": [_("Orimligt år.")]})
    negative = [k for k, v in values.items() if v < 0]
    if negative:
        raise ValidationError({k: [_("Får inte vara negativt.")] for k in negative})
    return values


def _municipality_year_save(
    *,
    municipality: str,
    year: int,
    sickness_disability_fte: Decimal,
    labour_market_fte: Decimal,
    financial_assistance_fte: Decimal,
    population_20_64: int,
) -> MunicipalityYear:
    personal_numbers_refuse({"municipality": municipality})
    municipality = _official_name(municipality)
    values = _register_values(
        year=year,
        sickness_disability_fte=sickness_disability_fte,
        labour_market_fte=labour_market_fte,
        financial_assistance_fte=financial_assistance_fte,
        population_20_64=population_20_64,
    )
    row, _created = MunicipalityYear.objects.update_or_create(
        municipality=municipality.strip(), year=year, defaults=values
    )
    return row


def _municipality_message(text: str) -> str:
    suggestion = municipality_suggestion(text)
    message = _("%(text)s är ingen av Sveriges 290 kommuner.") % {"text": text.strip()[:60]}
    if suggestion:
        message += " " + _("Menar du %(name)s?") % {"name": suggestion}
    return message


def _official_name(text: str) -> str:
    """The official name of the municipality written as its name or code; a name that is
    not one of the 290 (``Skelleftea``) is refused with the closest official name."""
    official = municipality_find(text)
    if official is None:
        raise ValidationError({"municipality": [_municipality_message(text)]})
    return official.name


@transaction.atomic
def municipality_year_update(
    *,
    row: MunicipalityYear,
    municipality: str,
    year: int,
    sickness_disability_fte: Decimal,
    labour_market_fte: Decimal,
    financial_assistance_fte: Decimal,
    population_20_64: int,
    actor: User | None,
) -> MunicipalityYear:
    """Correct one row; its municipality and year may change unless another row has them."""
    name = _official_name(municipality)
    values = _register_values(
        year=year,
        sickness_disability_fte=sickness_disability_fte,
        labour_market_fte=labour_market_fte,
        financial_assistance_fte=financial_assistance_fte,
        population_20_64=population_20_64,
    )
    if MunicipalityYear.objects.filter(municipality=name, year=year).exclude(pk=row.pk).exists():
        raise ValidationError(
            {"year": [_("Det finns redan en rad för %(m)s %(y)d.") % {"m": name, "y": year}]}
        )
    before = (row.municipality, row.year)
    row.municipality, row.year = name, year
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    audit_record_here(
        action="pilot.municipality_year_corrected",
        actor=actor,
        row=row.pk,
        was=f"{before[0]} {before[1]}",
        municipality=name,
        year=year,
    )
    return row


@transaction.atomic
def municipality_year_delete(*, row: MunicipalityYear, actor: User | None) -> None:
    """Remove one municipality-year row (the audit row keeps which one)."""
    audit_record_here(
        action="pilot.municipality_year_deleted",
        actor=actor,
        row=row.pk,
        municipality=row.municipality,
        year=row.year,
    )
    row.delete()


MUNICIPALITY_COLUMNS = [
    "municipality",
    "year",
    "sickness_disability_fte",
    "labour_market_fte",
    "financial_assistance_fte",
    "population_20_64",
]


# Model limits (numeric(10, 1), a positive integer): larger numbers are typing errors.
_FTE_MAX = Decimal("999999999.9")
_POPULATION_MAX = 2_147_483_647
# Digits with an optional decimal comma or point; spaces as thousands separators. Refuses
# exponents (1e30), NaN and infinity, which Decimal() would accept.
_NUMBER = re.compile(r"^-?\d{1,15}(?:[.,]\d{1,6})?$")
_SPACES = str.maketrans("", "", " \u00a0\u2009\u202f")


def _register_number(column: str, text: str) -> tuple[Decimal | int | None, str]:
    """(value, "") or (None, message) for one register cell."""
    cleaned = text.translate(_SPACES)
    if not _NUMBER.match(cleaned):
        return None, _("Ange ett tal, t.ex. 1234,5 (inte %(text)s).") % {"text": text[:20]}
    number = Decimal(cleaned.replace(",", "."))
    if number < 0:
        return None, _("Får inte vara negativt.")
    if column in {"year", "population_20_64"}:
        if number != number.to_integral_value():
            return None, _("Ange ett heltal.")
        if column == "year" and not 1990 <= number <= 2100:
            return None, _("Orimligt år.")
        if number > _POPULATION_MAX:
            return None, _("Talet är orimligt stort.")
        return int(number), ""
    if number > _FTE_MAX:
        return None, _("Talet är orimligt stort (högst 999 999 999,9).")
    return number.quantize(Decimal("0.1")), ""


def municipality_years_import(
    *, filename: str, content: bytes | IO[bytes], actor: User | None
) -> int:
    """A file of municipality-year rows (CSV or XLSX, columns as MUNICIPALITY_COLUMNS): every
    row is checked first and every error reported at once as (row, column, message); only a
    file without errors is stored, in one transaction."""
    from pilot.services.import_files import CellError, ImportRejected, table_open

    if looks_like_personal_number(filename):
        raise ImportRejected([CellError(0, _("filnamn"), str(PERSONAL_NUMBER_MESSAGE))])
    table = table_open(filename=filename, content=content)
    header = table.read_header()
    errors = [
        CellError(1, c, _("Kolumnen saknas.")) for c in MUNICIPALITY_COLUMNS if c not in header
    ]
    errors += [
        CellError(1, c, _("Okänd kolumn (fråga eller fält)."))
        for c in header
        if c and c not in MUNICIPALITY_COLUMNS
    ]
    parsed = []
    first_row: dict[tuple[str, object], int] = {}
    for number, row in table.rows():
        municipality = row.get("municipality", "")
        values: dict[str, object] = {"municipality": municipality}
        if not municipality:
            errors.append(CellError(number, "municipality", _("Ange kommun.")))
        elif looks_like_personal_number(municipality):
            errors.append(CellError(number, "municipality", str(PERSONAL_NUMBER_MESSAGE)))
        elif (found := municipality_find(municipality)) is None:
            errors.append(CellError(number, "municipality", _municipality_message(municipality)))
        else:
            values["municipality"] = found.name
        for column in MUNICIPALITY_COLUMNS[1:]:
            if column not in header:
                continue
            value, message = _register_number(column, row.get(column, ""))
            if message:
                errors.append(CellError(number, column, message))
            values[column] = value
        pair = (str(values["municipality"]).casefold(), values.get("year"))
        if pair in first_row and municipality and values.get("year") is not None:
            errors.append(
                CellError(
                    number,
                    "year",
                    _("Samma kommun och år finns redan på rad %d.") % first_row[pair],
                )
            )
        first_row.setdefault(pair, number)
        parsed.append(values)
    errors += table.errors
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
