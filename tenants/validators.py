"""Validators for Swedish identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenants.personal_numbers import (
    PARTICIPANT_CODE,
    looks_like_personal_number,
    luhn_check_digit,
    participant_code_errors,
    personal_numbers_refuse,
    refuse_personal_number,
)

_ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


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


# The personal-number guard lives in its own module; these names stay importable from here.
__all__ = [
    "PARTICIPANT_CODE",
    "looks_like_personal_number",
    "luhn_check_digit",
    "normalise_org_number",
    "participant_code_errors",
    "personal_numbers_refuse",
    "refuse_personal_number",
    "validate_association_slug",
    "validate_org_number",
]
