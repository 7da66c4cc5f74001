"""The codebook of a built dataset: variables with Swedish and English labels, value labels,
missing-value codes and provenance (the input of every writer), and its labels as a table.
Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from national.datasets.spec import (
    DONT_KNOW_CODE,
    OTHER_OR_UNDISCLOSED,
    BuiltDataset,
    DatasetSpec,
    Item,
    instrument_lookup,
    instrument_scale,
)


def codebook_build(
    *,
    instrument: Mapping[str, Any],
    items: Sequence[Item],
    item_columns: Sequence[str],
    frame: pd.DataFrame,
    spec: DatasetSpec,
    changes: Sequence[str],
) -> dict[str, Any]:
    scale = instrument_scale(instrument)
    scale_labels = {str(v): lab for v, lab in sorted(scale.items(), key=lambda x: (x[0] < 0, x[0]))}
    forms = instrument_lookup(instrument, "forms")
    occasions = instrument_lookup(instrument, "occasions")
    respondents = instrument_lookup(instrument, "respondent_groups")
    version = instrument.get("version", {}).get("code")
    missing = {
        str(DONT_KNOW_CODE): scale[DONT_KNOW_CODE],
        "": {"sv": "Ej besvarad / saknas", "en": "Not answered / missing"},
    }
    coded = spec.association_codes == "coded"

    def var(name: str, kind: str, sv: str, en: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "label_sv": sv, "label_en": en, **extra}

    variables = [
        var(
            "response",
            "integer",
            "Enkätsvar (löpnummer i ögonblicksbilden)",
            "Questionnaire (sequence number within the snapshot)",
        ),
        var(
            "pseudonym",
            "string",
            "Pseudonym för deltagaren (saknas för personalenkäter)",
            "Participant pseudonym (missing for staff-level questionnaires)",
        ),
        var(
            "association",
            "string",
            "Samordningsförbund (kod)" if coded else "Samordningsförbund",
            "Coordination association (code)" if coded else "Coordination association (slug)",
        ),
        var("county", "string", "Län (länskod)", "County (county code)"),
        var(
            "period",
            "string",
            "Period (YYYY-MM, YYYY-H1/H2 eller YYYY)",
            "Period (YYYY-MM, YYYY-H1/H2 or YYYY)",
        ),
        var("instrument_version", "string", "Instrumentversion", "Instrument version"),
        var(
            "form_code",
            "string",
            "Enkät",
            "Questionnaire form",
            value_labels={k: v for k, v in forms.items()},
        ),
        var("occasion", "string", "Mättillfälle", "Occasion", value_labels=occasions),
        var("respondent", "string", "Svarande", "Respondent group", value_labels=respondents),
        var(
            "gender",
            "string",
            "Kön",
            "Gender",
            value_labels={
                "woman": {"sv": "Kvinna", "en": "Woman"},
                "man": {"sv": "Man", "en": "Man"},
                "other": {"sv": "Annat", "en": "Other"},
                "undisclosed": {"sv": "Vill inte uppge", "en": "Undisclosed"},
                OTHER_OR_UNDISCLOSED: {
                    "sv": "Annat eller vill inte uppge",
                    "en": "Other or undisclosed",
                },
            },
        ),
        var("age_band", "string", "Åldersgrupp", "Age band"),
        var(
            "exit_outcome",
            "string",
            "Utfall vid avslut (register)",
            "Exit outcome (register)",
            value_labels={
                "work": {"sv": "Arbete", "en": "Work"},
                "studies": {"sv": "Studier", "en": "Studies"},
                "other_solution": {"sv": "Annan lösning", "en": "Other solution"},
                "dropped_out": {"sv": "Avbrott", "en": "Dropped out"},
            },
        ),
        var(
            "subsidised_work",
            "boolean",
            "Subventionerat arbete (register)",
            "Subsidised work (register)",
        ),
        var(
            "exit_month",
            "string",
            "Avslutsmånad (samma grovlek som perioden)",
            "Exit month (same coarseness as period)",
        ),
    ]
    by_code = {it.code: it for it in items}
    if spec.layout == "wide":
        for code in item_columns:
            it = by_code[code]
            variables.append(
                var(
                    code,
                    "integer",
                    it.statement_sv,
                    it.statement_en,
                    item_code=code,
                    point=it.point,
                    statement_sv=it.statement_sv,
                    statement_en=it.statement_en,
                    value_labels=scale_labels,
                    missing_values=missing,
                )
            )
    else:
        variables.append(
            var(
                "item_code",
                "string",
                "Mätpunktens fråga (kod)",
                "Item (code)",
                value_labels={
                    it.code: {"sv": it.statement_sv, "en": it.statement_en} for it in items
                },
            )
        )
        variables.append(
            var(
                "value",
                "integer",
                "Svar (1–5)",
                "Answer (1–5)",
                value_labels=scale_labels,
                missing_values=missing,
            )
        )
    present = set(frame.columns)
    return {
        "title_sv": "NNS kärnindikatorer – forskardataset",
        "title_en": "NNS core indicators – researcher dataset",
        "snapshot": spec.snapshot_number,
        "instrument_version": version,
        "instrument_versions": sorted(
            {str(v) for v in pd.unique(frame["instrument_version"].dropna())}
        ),
        "citation": spec.citation,
        "layout": spec.layout,
        "association_codes": spec.association_codes,
        "period_from": spec.period_from.isoformat() if spec.period_from else None,
        "period_to": spec.period_to.isoformat() if spec.period_to else None,
        "k": spec.k,
        "quasi_identifiers": list(spec.quasi_identifiers),
        "rows": len(frame),
        "questionnaires": int(len(frame) if spec.layout == "wide" else frame["response"].nunique()),
        "changes": list(changes),
        "missing_values": missing,
        "items": [
            {
                "code": it.code,
                "point": it.point,
                "statement_sv": it.statement_sv,
                "statement_en": it.statement_en,
            }
            for it in items
        ],
        "variables": [v for v in variables if v["name"] in present],
    }


def codebook_variables(dataset: BuiltDataset) -> list[dict[str, Any]]:
    return list(dataset.codebook["variables"])


def labels_frame(dataset: BuiltDataset) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for v in codebook_variables(dataset):
        rows.append(
            {
                "kind": "variable",
                "variable": v["name"],
                "value": "",
                "label_sv": v["label_sv"],
                "label_en": v["label_en"],
            }
        )
        for value, lab in (v.get("value_labels") or {}).items():
            rows.append(
                {
                    "kind": "value",
                    "variable": v["name"],
                    "value": str(value),
                    "label_sv": lab["sv"],
                    "label_en": lab["en"],
                }
            )
        for value, lab in (v.get("missing_values") or {}).items():
            rows.append(
                {
                    "kind": "missing",
                    "variable": v["name"],
                    "value": str(value),
                    "label_sv": lab["sv"],
                    "label_en": lab["en"],
                }
            )
    return pd.DataFrame(rows, columns=["kind", "variable", "value", "label_sv", "label_en"])
