"""The codebook of a built dataset: every variable with Swedish and English labels (from
:mod:`vocabulary`, items from the instrument), its measurement level, value labels with stable
numeric codes, missing-value codes, the quasi-identifiers with the generalisations applied,
and provenance. The input of every writer; its labels as a table (:func:`labels_frame`).
Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from national.datasets.spec import (
    DONT_KNOW_CODE,
    MISSING_CODES,
    NOT_ANSWERED_CODE,
    REGION_UNKNOWN,
    BuiltDataset,
    DatasetSpec,
    Item,
    instrument_scale,
)
from vocabulary import codes as vocabulary_codes
from vocabulary import label

STATA_LABEL_MAX = 80  # characters
SPSS_LABEL_MAX = 255  # bytes (UTF-8)
REGION_UNKNOWN_CODE = 99  # county code of "region unknown" in SPSS/Stata (no county has it)
#: Stata extended missing values of the item codes.
STATA_MISSING: dict[int, str] = {DONT_KNOW_CODE: "a", NOT_ANSWERED_CODE: "b"}
#: Categorical variables and the vocabulary kind of their codes (numeric-coded in .sav/.dta).
CODED_KINDS: dict[str, str] = {
    "association": "",
    "county": "county",
    "gender": "gender",
    "age_band": "age_band",
    "form_code": "form",
    "occasion": "occasion",
    "respondent": "respondent",
    "exit_outcome": "exit_outcome",
}
ORDINAL = frozenset({"age_band"})
REASON_SUFFIX = "_missing"
#: What the person link (vocabulary kind ``dataset_person_link``) means for the reader.
PERSON_LINK_NOTES: dict[str, dict[str, str]] = {
    "linked": {
        "sv": "Raderna för en och samma person har samma pseudonym (variabeln pseudonym), så en "
        "persons enkäter och personalens skattningar av personen kan kopplas ihop. Pseudonymen "
        "gäller bara i detta utlämnande: den kan inte kopplas till andra utlämnanden eller till "
        "sammanställningen, och raderna är blandade och numrerade på nytt (response). "
        "Röjandekontrollen gäller därför också varje persons kombination av bakgrundsvärden "
        "över alla sina rader: varje sådan kombination delas av minst k personer; personer med "
        "ovanligare kombinationer har generaliserats eller tagits bort med alla sina rader.",
        "en": "Rows of one person share a pseudonym (variable pseudonym), so a person's "
        "questionnaires and staff ratings of the person can be linked. The pseudonym is this "
        "release's own: it cannot be linked to other releases or to the snapshot, and the rows "
        "are shuffled and numbered anew (response). Disclosure control therefore also covers "
        "each person's combination of quasi-identifier values across all their rows: every "
        "such combination is shared by at least k persons; persons with rarer combinations "
        "were generalised or removed with all their rows.",
    },
    "none": {
        "sv": "Utlämnandet har ingen pseudonym: raderna för en och samma person kan inte "
        "kopplas ihop, inte heller personalens skattningar med deltagarens egna svar. En person "
        "kan ändå förekomma på flera rader (upprepade mätningar), så raderna är inte oberoende "
        "observationer. Raderna är blandade och numrerade på nytt (response), så de kan inte "
        "kopplas till andra utlämnanden.",
        "en": "The release has no pseudonym: rows of one person cannot be linked, nor staff "
        "ratings to the participant's own answers. A person may still appear on several rows "
        "(repeated measurements), so the rows are not independent observations. The rows are "
        "shuffled and numbered anew (response), so they cannot be linked to other releases.",
    },
}


def _both(kind: str, code: str) -> dict[str, str]:
    return {"sv": label(kind, code, "sv"), "en": label(kind, code, "en")}


def shorten(text: str, *, chars: int | None = None, utf8_bytes: int | None = None) -> str:
    """``text`` cut at a word boundary with "…" so that it fits (unchanged if it fits)."""

    def fits(t: str) -> bool:
        return (chars is None or len(t) <= chars) and (
            utf8_bytes is None or len(t.encode("utf-8")) <= utf8_bytes
        )

    if fits(text):
        return text
    words = text.split(" ")
    while len(words) > 1 and not fits(" ".join(words) + "…"):
        words.pop()
    out = " ".join(words) + "…"
    while not fits(out):  # one very long word
        out = out[:-2] + "…"
    return out


def _category_codes(variable: str, kind: str, present: Sequence[str]) -> dict[str, int]:
    """Stable numbers of a categorical's codes: county codes as numbers (region unknown 99),
    other vocabulary kinds by vocabulary order (1, 2, …; codes the vocabulary does not know
    after them), associations by sorted code or slug."""
    if variable == "county":
        return {c: REGION_UNKNOWN_CODE if c == REGION_UNKNOWN else int(c) for c in present}
    order = list(vocabulary_codes(kind)) if kind else []
    extra = sorted(c for c in present if c not in order)
    numbers = {c: i + 1 for i, c in enumerate([*order, *extra])}
    return {c: numbers[c] for c in present}


def _category_label(variable: str, kind: str, code: str) -> dict[str, str]:
    if variable == "county" and code == REGION_UNKNOWN:
        return _both("dataset_value", REGION_UNKNOWN)
    if variable == "association":
        if code[:1] == "A" and code[1:].isdigit():
            return {
                "sv": f"{label('dataset_value', 'association_code', 'sv')} {code}",
                "en": f"{label('dataset_value', 'association_code', 'en')} {code}",
            }
        return {"sv": code, "en": code}
    return _both(kind, code)


def _present(frame: pd.DataFrame, column: str) -> list[str]:
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return sorted({str(v) for v in pd.unique(values.dropna())})


def codebook_build(
    *,
    instrument: Mapping[str, Any],
    items: Sequence[Item],
    item_columns: Sequence[str],
    frame: pd.DataFrame,
    spec: DatasetSpec,
    changes: Sequence[str],
    applied: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The codebook of ``frame``. ``applied``: (column, description) of each generalisation
    that disclosure control kept."""
    lang = spec.language
    link = "linked" if spec.person_link else "none"
    scale = instrument_scale(instrument)
    scale_labels = {str(v): lab for v, lab in sorted(scale.items()) if v > 0}
    missing = {str(code): _both("missing", reason) for code, reason in MISSING_CODES.items()}
    missing[""] = _both("missing", "not_asked")
    reasons = {reason: _both("missing", reason) for reason in (*MISSING_CODES.values(),)}
    reasons["not_asked"] = _both("missing", "not_asked")
    notes: list[dict[str, str]] = []
    present = set(frame.columns)

    def var(name: str, kind: str, measure: str, sv: str, en: str, **extra: Any) -> dict[str, Any]:
        full = sv if lang == "sv" else en
        entry = {
            "name": name,
            "type": kind,
            "measure": measure,
            "label_sv": sv,
            "label_en": en,
            "label": full,
            "label_stata": shorten(full, chars=STATA_LABEL_MAX),
            "label_spss": shorten(full, utf8_bytes=SPSS_LABEL_MAX),
            **extra,
        }
        for tool in ("stata", "spss"):
            if entry[f"label_{tool}"] != full and name in present:
                notes.append(
                    {
                        "variable": name,
                        "sv": f"{name}: variabeletiketten i {tool.title()}-filen är förkortad; "
                        f"hela texten: {sv}",
                        "en": f"{name}: the variable label in the {tool.title()} file is "
                        f"shortened; full text: {en}",
                    }
                )
        return entry

    def context(name: str, kind: str, measure: str, **extra: Any) -> dict[str, Any]:
        return var(
            name,
            kind,
            measure,
            label("dataset_variable", name, "sv"),
            label("dataset_variable", name, "en"),
            **extra,
        )

    def coded(name: str) -> dict[str, Any]:
        vocab = CODED_KINDS[name]
        cats = _present(frame, name) if name in present else []
        numbers = _category_codes(name, vocab, cats)
        return context(
            name,
            "string",
            "ordinal" if name in ORDINAL else "nominal",
            value_labels={c: _category_label(name, vocab, c) for c in cats},
            numeric_codes=numbers,
        )

    variables = [
        context("response", "integer", "nominal"),
        context("pseudonym", "string", "nominal"),
        coded("association"),
        coded("county"),
        context("period", "string", "ordinal"),
        context("instrument_version", "string", "nominal"),
        coded("form_code"),
        coded("occasion"),
        coded("respondent"),
        coded("gender"),
        coded("age_band"),
        coded("exit_outcome"),
        context(
            "subsidised_work",
            "boolean",
            "nominal",
            value_labels={
                "true": _both("dataset_value", "true"),
                "false": _both("dataset_value", "false"),
            },
        ),
        context("exit_month", "string", "ordinal"),
    ]
    by_code = {it.code: it for it in items}
    answer_vars: list[str] = []
    if spec.layout == "wide":
        for code in item_columns:
            it = by_code[code]
            answer_vars.append(code)
            variables.append(
                var(
                    code,
                    "integer",
                    "ordinal",
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
            context(
                "item_code",
                "string",
                "nominal",
                value_labels={
                    it.code: {"sv": it.statement_sv, "en": it.statement_en} for it in items
                },
                numeric_codes={it.code: i + 1 for i, it in enumerate(items)},
            )
        )
        answer_vars.append("value")
        variables.append(
            context(
                "value",
                "integer",
                "ordinal",
                value_labels=scale_labels,
                missing_values=missing,
            )
        )
    reason_labels = {
        "sv": label("dataset_variable", "missing_reason", "sv"),
        "en": label("dataset_variable", "missing_reason", "en"),
    }
    reason_vars = [
        var(
            f"{name}{REASON_SUFFIX}",
            "string",
            "nominal",
            f"{reason_labels['sv']}: {name}",
            f"{reason_labels['en']}: {name}",
            value_labels=reasons,
            reason_of=name,
        )
        for name in answer_vars
    ]
    quasi = [
        {
            "name": q,
            "label_sv": label("dataset_variable", q, "sv"),
            "label_en": label("dataset_variable", q, "en"),
            "generalisations": [d for column, d in applied if column == q],
        }
        for q in spec.quasi_identifiers
    ]
    return {
        "title_sv": "NNS kärnindikatorer – forskardataset",
        "title_en": "NNS core indicators – researcher dataset",
        "language": lang,
        "snapshot": spec.snapshot_number,
        "instrument_version": instrument.get("version", {}).get("code"),
        "instrument_versions": sorted(
            {str(v) for v in pd.unique(frame["instrument_version"].dropna())}
        ),
        "citation": spec.citation,
        "layout": spec.layout,
        "association_codes": spec.association_codes,
        "period_from": spec.period_from.isoformat() if spec.period_from else None,
        "period_to": spec.period_to.isoformat() if spec.period_to else None,
        "k": spec.k,
        "k_unit": "persons",
        "person_link": {
            "code": link,
            "linked": spec.person_link,
            "label_sv": label("dataset_person_link", link, "sv"),
            "label_en": label("dataset_person_link", link, "en"),
            "note_sv": PERSON_LINK_NOTES[link]["sv"],
            "note_en": PERSON_LINK_NOTES[link]["en"],
        },
        "quasi_identifiers": list(spec.quasi_identifiers),
        "disclosure": quasi,
        "rows": len(frame),
        "questionnaires": int(len(frame) if spec.layout == "wide" else frame["response"].nunique()),
        "changes": list(changes),
        "missing_values": missing,
        "missing_reasons": reasons,
        "stata_missing": {str(code): f".{letter}" for code, letter in STATA_MISSING.items()},
        "notes": notes,
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
        "reason_variables": reason_vars,
    }


def codebook_variables(dataset: BuiltDataset) -> list[dict[str, Any]]:
    return list(dataset.codebook["variables"])


def labels_frame(dataset: BuiltDataset) -> pd.DataFrame:
    """Every variable, value and missing-value label of the text formats (csv, xlsx), the
    reason columns included."""
    rows: list[dict[str, Any]] = []
    for v in [*codebook_variables(dataset), *dataset.codebook.get("reason_variables", [])]:
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
    return pd.DataFrame(rows, columns=["kind", "variable", "value", "label_sv", "label_en"])
