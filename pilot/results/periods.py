"""The period an association's own results cover: a calendar year (the default), a half-year
or any date range, with the words people read for it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vocabulary import english

MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class ResultPeriod:
    """Closed date interval ``start``–``end``; ``kind`` is year, half or range."""

    start: dt.date
    end: dt.date
    kind: str = "year"

    @classmethod
    def year(cls, year: int) -> ResultPeriod:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")

    @classmethod
    def half(cls, year: int, half: int) -> ResultPeriod:
        if half == 1:
            return cls(dt.date(year, 1, 1), dt.date(year, 6, 30), "half")
        return cls(dt.date(year, 7, 1), dt.date(year, 12, 31), "half")

    def label(self, lang: str | None) -> str:
        """``2016``, ``första halvåret 2016`` or ``1 mars–31 maj 2016`` (English alike)."""
        en = english(lang)
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "half":
            first = self.start.month == 1
            if en:
                return f"{'first' if first else 'second'} half of {self.start.year}"
            return f"{'första' if first else 'andra'} halvåret {self.start.year}"
        return f"{date_text(self.start, lang)}–{date_text(self.end, lang)}"


def date_text(day: dt.date, lang: str | None) -> str:
    """A date in running text: ``2 december 2026`` / ``2 December 2026``."""
    months = MONTHS_EN if english(lang) else MONTHS_SV
    return f"{day.day} {months[day.month - 1]} {day.year}"


def period_from_params(params: Mapping[str, Any], *, today: dt.date | None = None) -> ResultPeriod:
    """The period asked for in a query string: ``from``/``to`` (ÅÅÅÅ-MM-DD) for a range,
    otherwise ``year`` (default: the current year) and ``half`` (1 or 2; empty = whole year).
    Bad input raises ValidationError with field messages."""
    get = params.get
    today = today or dt.date.today()
    start_text, end_text = (get("from") or "").strip(), (get("to") or "").strip()
    errors: dict[str, list[str]] = {}
    if start_text or end_text:
        start = _date(start_text, "from", errors)
        end = _date(end_text, "to", errors)
        if start and end and end < start:
            errors["to"] = [_("Till: slutdatumet ligger före startdatumet.")]
        if errors or start is None or end is None:
            raise ValidationError(errors)
        return ResultPeriod(start, end, "range")
    year_text = (get("year") or "").strip()
    year = today.year
    if year_text:
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            raise ValidationError({"year": [_("Ange ett år med fyra siffror, t.ex. 2026.")]})
        year = int(year_text)
    half_text = (get("half") or "").strip()
    if half_text in {"1", "2"}:
        return ResultPeriod.half(year, int(half_text))
    if half_text:
        raise ValidationError({"half": [_("Välj helår, första eller andra halvåret.")]})
    return ResultPeriod.year(year)


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(text: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    """A date written ÅÅÅÅ-MM-DD (what type=date inputs send), or a field message naming the
    field ("Från", "Till") and what was typed."""
    name = _("Från") if field == "from" else _("Till")
    if not text:
        errors[field] = [_("%(field)s: ange ett datum, ÅÅÅÅ-MM-DD.") % {"field": name}]
        return None
    day = None
    if ISO_DAY.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        errors[field] = [
            _("%(field)s: ”%(d)s” är inte ett datum. Skriv ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.")
            % {"field": name, "d": text}
        ]
    return day
