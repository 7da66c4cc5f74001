"""The variables a researcher can ask for, as the browsable codebook shows them before a
request: the background and register variables and the instrument's items, with Swedish and
English labels and value labels. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from national.datasets.spec import (
    CONTEXT_COLUMNS,
    OUTCOME_COLUMNS,
    instrument_items,
    instrument_scale,
)
from vocabulary import codes, label

_VALUE_KINDS = {
    "county": "county",
    "gender": "gender",
    "age_band": "age_band",
    "form_code": "form",
    "occasion": "occasion",
    "respondent": "respondent",
    "exit_outcome": "exit_outcome",
}


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    label_sv: str
    label_en: str
    item: bool  # an item one can choose (background variables always come with the data)
    values: tuple[tuple[str, str, str], ...]  # (code, sv, en)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_sv


def dataset_catalogue(instrument: Mapping[str, Any]) -> list[CatalogueEntry]:
    """Background and register variables first, then the items in instrument order."""
    entries = []
    for name in (*CONTEXT_COLUMNS, *OUTCOME_COLUMNS):
        kind = _VALUE_KINDS.get(name)
        values = (
            tuple((c, label(kind, c, "sv"), label(kind, c, "en")) for c in codes(kind))
            if kind
            else ()
        )
        entries.append(
            CatalogueEntry(
                name,
                label("dataset_variable", name, "sv"),
                label("dataset_variable", name, "en"),
                False,
                values,
            )
        )
    scale = instrument_scale(instrument)
    scale_values = tuple(
        (str(v), lab["sv"], lab["en"]) for v, lab in sorted(scale.items()) if v > 0
    )
    missing = tuple(
        (code, label("missing", reason, "sv"), label("missing", reason, "en"))
        for code, reason in (("-9", "dont_know"), ("-8", "not_answered"))
    )
    for it in instrument_items(instrument):
        entries.append(
            CatalogueEntry(it.code, it.statement_sv, it.statement_en, True, scale_values + missing)
        )
    return entries
