"""What a researcher asks for (:class:`DatasetSpec`), what a build returns
(:class:`BuiltDataset`), the dataset's vocabulary and the instrument YAML read as items and
labels. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd

DONT_KNOW_CODE = -9
NOT_ANSWERED_CODE = -8  # an answer row without a value: the item was skipped
MISSING_CODES: dict[int, str] = {DONT_KNOW_CODE: "dont_know", NOT_ANSWERED_CODE: "not_answered"}
REGION_UNKNOWN = "region unknown"
OTHER_OR_UNDISCLOSED = "other_or_undisclosed"
AGE_MERGE: dict[str, str] = {
    "16-19": "16-24",
    "20-24": "16-24",
    "25-29": "25-39",
    "30-39": "25-39",
    "40-49": "40-64",
    "50-64": "40-64",
}
GENDER_MERGE: dict[str, str] = {"other": OTHER_OR_UNDISCLOSED, "undisclosed": OTHER_OR_UNDISCLOSED}
DEFAULT_QUASI_IDENTIFIERS: tuple[str, ...] = (
    "association",
    "county",
    "gender",
    "age_band",
    "period",
    "exit_outcome",
    "exit_month",
)
FORMATS: tuple[str, ...] = ("csv", "xlsx", "sav", "dta", "parquet")

CONTEXT_COLUMNS: tuple[str, ...] = (
    "response",
    "pseudonym",
    "association",
    "county",
    "period",
    "instrument_version",
    "form_code",
    "occasion",
    "respondent",
    "gender",
    "age_band",
)
OUTCOME_COLUMNS: tuple[str, ...] = ("exit_outcome", "subsidised_work", "exit_month")

Layout = Literal["wide", "long"]
Language = Literal["sv", "en"]
AssociationCodes = Literal["names", "coded"]


@dataclass(frozen=True)
class DatasetSpec:
    """What a researcher asked for.

    ``variables``: item codes (e.g. ``["p1", "p14"]``) or None for every item of the
    instrument. ``period_from`` / ``period_to``: inclusive months (any day of the month), or
    None for open. ``layout``: "wide" (one row per questionnaire) or "long" (one row per
    answer). ``association_codes``: "names" keeps slugs, "coded" replaces them by A01, A02, …
    sorted by slug. ``quasi_identifiers``: columns on which k-anonymity is enforced (counted in
    persons). ``snapshot_number`` and ``citation`` go into the metadata. ``person_link``: keep
    a pseudonym linking one person's questionnaires (and staff ratings of the person), re-keyed
    with ``pseudonym_key`` (this release's own key, required then) so that two releases cannot
    be joined on it; disclosure control then protects each person's set of classes too.
    Without it (the default) no pseudonym column is released. Given a ``pseudonym_key``, the
    rows are shuffled and numbered 1..n (``response``) with it, linked or not.
    """

    variables: tuple[str, ...] | None = None
    period_from: date | None = None
    period_to: date | None = None
    layout: Layout = "wide"
    association_codes: AssociationCodes = "names"
    quasi_identifiers: tuple[str, ...] = DEFAULT_QUASI_IDENTIFIERS
    k: int = 5
    snapshot_number: int | None = None
    citation: str = ""
    language: Language = "sv"
    person_link: bool = False
    pseudonym_key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.layout not in ("wide", "long"):
            raise ValueError(f"layout must be 'wide' or 'long', not {self.layout!r}")
        if self.association_codes not in ("names", "coded"):
            raise ValueError("association_codes must be 'names' or 'coded'")
        if self.k < 1:
            raise ValueError("k must be at least 1")
        if self.language not in ("sv", "en"):
            raise ValueError("language must be 'sv' or 'en'")
        if self.person_link and not self.pseudonym_key:
            raise ValueError("a person link needs this release's pseudonym_key")
        unknown = set(self.quasi_identifiers) - set(CONTEXT_COLUMNS) - set(OUTCOME_COLUMNS)
        if unknown:
            raise ValueError(f"unknown quasi-identifiers: {sorted(unknown)}")
        # Accept lists from callers while keeping the dataclass hashable.
        if self.variables is not None and not isinstance(self.variables, tuple):
            object.__setattr__(self, "variables", tuple(self.variables))
        if not isinstance(self.quasi_identifiers, tuple):
            object.__setattr__(self, "quasi_identifiers", tuple(self.quasi_identifiers))


@dataclass(frozen=True)
class BuiltDataset:
    """A disclosure-controlled dataset. ``frame``: the released rows. ``changes``: what
    disclosure control changed, in order, human-readable (empty when nothing was needed).
    ``codebook``: variables, labels (sv/en), value labels, missing codes and provenance; the
    input of every writer."""

    frame: pd.DataFrame
    changes: list[str]
    codebook: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- instrument


@dataclass(frozen=True)
class Item:
    code: str
    point: int
    statement_sv: str
    statement_en: str


def instrument_items(instrument: Mapping[str, Any]) -> list[Item]:
    items = []
    for point in instrument.get("points", []):
        for it in point.get("items") or []:
            items.append(
                Item(
                    code=str(it["code"]),
                    point=int(point["number"]),
                    statement_sv=" ".join(str(it.get("statement_sv", "")).split()),
                    statement_en=" ".join(str(it.get("statement_en", "")).split()),
                )
            )
    return items


def instrument_scale(instrument: Mapping[str, Any]) -> dict[int, dict[str, str]]:
    scale = instrument.get("scale", {})
    labels = {int(x["value"]): {"sv": str(x["sv"]), "en": str(x["en"])} for x in scale["labels"]}
    miss = scale.get("missing") or {"sv": "Vet inte", "en": "Don't know"}
    labels[DONT_KNOW_CODE] = {"sv": str(miss["sv"]), "en": str(miss["en"])}
    return labels


def instrument_lookup(instrument: Mapping[str, Any], key: str) -> dict[str, dict[str, str]]:
    return {
        str(x["code"]): {"sv": str(x.get("sv", x["code"])), "en": str(x.get("en", x["code"]))}
        for x in instrument.get(key, [])
    }
