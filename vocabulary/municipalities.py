"""Sweden's 290 municipalities with their official four-digit codes (SCB's regional
division: the first two digits are the county code).

The data file ``vocabulary/data/municipalities.csv`` holds SCB's list "Kommuner i län"
(unchanged since Knivsta 2003; 290 municipalities, 21 counties). Pure Python: forms, imports
and services use it to refuse free-text spellings such as "Skelleftea"."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str


@cache
def municipalities() -> tuple[Municipality, ...]:
    """All 290, in code order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return tuple(
            Municipality(r["municipality_code"], r["municipality_name"], r["county_code"])
            for r in rows
        )


@cache
def _by_key() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    for m in municipalities():
        index[m.code] = m
        index[m.name.casefold()] = m
        index[f"{m.name} kommun".casefold()] = m
    index["region gotland"] = index["0980"]
    return index


def municipality_find(text: str) -> Municipality | None:
    """The municipality named by its code (``2482``), its name in any case (``skellefteå``)
    or "<name> kommun"; None if there is no such municipality."""
    return _by_key().get(" ".join(str(text).split()).casefold())


def municipality_suggestion(text: str) -> str | None:
    """The closest official name, for an error message ("Menar du Skellefteå?")."""
    names = [m.name for m in municipalities()]
    close = difflib.get_close_matches(str(text).strip(), names, n=1, cutoff=0.75)
    return close[0] if close else None
