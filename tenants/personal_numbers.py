"""The one guard against Swedish personal identity numbers in free text and codes.

Every free-text and code field (activity names and descriptions, local item texts and labels,
municipality names, file names, free-text answers, participant codes) passes through
``personal_numbers_refuse`` in its service, so the API, the pages and file imports refuse the
same spellings with the same message.

What counts as a personal number (personnummer or samordningsnummer, day + 60):

- ten digits ``YYMMDD`` + ``NNNC`` or twelve ``YYYYMMDD`` + ``NNNC`` (century 18, 19 or 20);
- written with any separator between the date parts and before the last four digits: hyphen,
  the Unicode dashes (en dash, em dash, minus sign, non-breaking hyphen ...), plus (100 years
  or older), slash, underscore, dot and spaces (also non-breaking and thin spaces), or none;
  full-width digits count as digits (NFKC);
- a real month (01-12), a day 01-31 (61-91 for a samordningsnummer) and a valid Luhn check
  digit over ``YYMMDDNNN``.

What is deliberately not refused (docs/adr/0017-imports.md): numbers failing the check digit,
dates alone (eight digits), organisation numbers (month 20 or more), phone numbers written in
their usual groups (``070-123 45 67``, ``+46 70 123 45 67``), diary numbers (``Dnr 2024/0145``)
and separators inside the four last digits. An unseparated ten-digit number that happens to
be a valid date with a valid check digit (one in ten of such numbers) *is* refused: it cannot
be told apart from a personal number, and refusing is the safe side.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PERSONAL_NUMBER_MESSAGE = _(
    "Personnummer och samordningsnummer får inte registreras. Använd deltagarkoden."
)
PARTICIPANT_CODE_MESSAGE = _(
    "Deltagarkoden får bara innehålla bokstäverna A–Ö, siffror, punkt, bindestreck och "
    "understreck, börja med en bokstav eller siffra och vara högst 40 tecken."
)

# Dashes and spaces NFKC leaves alone, mapped to a plain separator.
_SEPARATOR_CHARS = (
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"  # dashes, minus
    "\u00a0\u2007\u2009\u200a\u202f\u205f\u3000"  # non-breaking, figure, thin spaces
)
_TO_HYPHEN = str.maketrans(dict.fromkeys(_SEPARATOR_CHARS, "-"))
_SEP = r"[-+/_.\s]{0,3}"
_PERSONAL_NUMBER = re.compile(
    rf"(?<!\d)(?:(18|19|20){_SEP})?(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{3}})(\d)(?!\d)"
)
PARTICIPANT_CODE = re.compile(r"^[A-Za-z0-9ÅÄÖåäöÉéÜü][A-Za-z0-9ÅÄÖåäöÉéÜü._-]{0,39}$")


def luhn_check_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit used by Swedish personal and organisation numbers."""
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_TO_HYPHEN)


def looks_like_personal_number(text: str) -> bool:
    """True if ``text`` contains a personnummer or samordningsnummer in any spelling above."""
    if not any(c.isdigit() for c in text):
        return False
    normalised = _normalised(text)
    position = 0
    while match := _PERSONAL_NUMBER.search(normalised, position):
        _century, yy, mm, dd, serial, check = match.groups()
        month, day = int(mm), int(dd)
        if day > 60:
            day -= 60  # samordningsnummer
        valid_date = 1 <= month <= 12 and 1 <= day <= 31
        if valid_date and luhn_check_digit(yy + mm + dd + serial) == int(check):
            return True
        # Overlapping spellings: try again from the next digit.
        position = match.start() + 1
    return False


def _holds_personal_number(value: object) -> bool:
    if isinstance(value, str):
        return looks_like_personal_number(value)
    if isinstance(value, Mapping):
        return any(_holds_personal_number(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_personal_number(v) for v in value)
    return False


def personal_numbers_refuse(fields: Mapping[str, object]) -> None:
    """Raise one ValidationError naming every field (name -> value, strings or nested lists
    and dicts of strings) that holds a personal number."""
    bad = [name for name, value in fields.items() if _holds_personal_number(value)]
    if bad:
        error = ValidationError(PERSONAL_NUMBER_MESSAGE, code="personal_number")
        raise ValidationError({name: [error] for name in bad})


def refuse_personal_number(value: object) -> None:
    """Raise ValidationError (code ``personal_number``) if any string in ``value`` holds a
    personal number; for API payloads checked as a whole."""
    if _holds_personal_number(value):
        raise ValidationError(PERSONAL_NUMBER_MESSAGE, code="personal_number")


def participant_code_errors(code: str) -> list[str]:
    """Messages for a new participant code: safe characters only, never a personal number.
    Codes end up in URLs and file names, so a slash or a space must not get in."""
    if looks_like_personal_number(code):
        return [str(_("Personnummer får inte användas som deltagarkod."))]
    if not PARTICIPANT_CODE.match(code):
        return [str(PARTICIPANT_CODE_MESSAGE)]
    return []
