"""Validators for Swedish identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


def luhn_check_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit used by Swedish personal and organisation numbers."""
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def normalise_org_number(value: str) -> str:
    """Return ``NNNNNN-NNNN`` or raise ValidationError.

    A Swedish organisation number has ten digits; the third is at least 2 (which keeps it
    apart from a personal identity number) and the last is a Luhn check digit.
    """
    match = _ORG_NUMBER.match(value.strip())
    if not match:
        raise ValidationError(
            _("Organisationsnumret ska ha formen NNNNNN-NNNN."), code="org_number_format"
        )
    digits = match.group(1) + match.group(2)
    if int(digits[2]) < 2:
        raise ValidationError(
            _("Tredje siffran i ett organisationsnummer är minst 2."), code="org_number_group"
        )
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("Organisationsnumrets kontrollsiffra stämmer inte."), code="org_number_checksum"
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_org_number(value: str) -> None:
    normalise_org_number(value)


def validate_association_slug(value: str) -> None:
    if not SLUG_PATTERN.match(value):
        raise ValidationError(
            _(
                "Kortnamnet får bara innehålla små bokstäver a–z, siffror och bindestreck, "
                "börja med en bokstav och vara 3–42 tecken."
            ),
            code="slug_format",
        )
    schema = value.replace("-", "_")
    if schema in RESERVED_SCHEMAS or schema.startswith("pg_") or value in RESERVED_HOST_LABELS:
        raise ValidationError(
            _("Kortnamnet %(slug)s är reserverat av plattformen. Välj ett annat kortnamn."),
            code="slug_reserved",
            params={"slug": value},
        )


# The schema is the slug with "_" for "-": these names belong to PostgreSQL or the platform
# (pg_* is PostgreSQL's own prefix); the host labels are kept for the platform's own hosts.
RESERVED_SCHEMAS = frozenset(
    {"public", "tenant_template", "information_schema", "pg_catalog", "pg_toast", "postgres"}
)
RESERVED_HOST_LABELS = frozenset({"www", "api", "admin", "static", "media", "mail", "national"})


# Six or eight digits of birth date, optional separator, four digits.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})\s?[-+]?\s?(\d{3})(\d)(?!\d)")


def looks_like_personal_number(text: str) -> bool:
    """True if ``text`` contains a Swedish personnummer or samordningsnummer with a valid
    check digit (YYMMDD-NNNN or YYYYMMDDNNNN; samordningsnummer add 60 to the day)."""
    for match in _PERSONAL_NUMBER.finditer(text):
        _century, yy, mm, dd, serial, check = match.groups()
        month, day = int(mm), int(dd)
        if day > 60:
            day -= 60  # samordningsnummer
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if luhn_check_digit(yy + mm + dd + serial) == int(check):
            return True
    return False


def refuse_personal_number(value: object) -> None:
    """Raise ValidationError if any string in ``value`` (recursively) holds a personal number."""
    if isinstance(value, str):
        if looks_like_personal_number(value):
            raise ValidationError(
                _("Personnummer och samordningsnummer får inte registreras. Använd deltagarkoden."),
                code="personal_number",
            )
    elif isinstance(value, dict):
        for item in value.values():
            refuse_personal_number(item)
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_personal_number(item)
