"""Researcher datasets (issue 7): a published snapshot's pooled rows as microdata files.

Pure module: pandas, numpy, pyarrow, pyreadstat and the ``stats`` package; no Django. The
caller loads the snapshot's frames (``national.report_store.snapshot_frames``) and the
instrument YAML and passes them in.

* :func:`dataset_build` selects items and periods, lays the data out ``wide`` (one row per
  questionnaire) or ``long`` (one row per answer), links register outcomes by pseudonym,
  optionally replaces association slugs by codes A01, A02, … (sorted by slug; the mapping never
  leaves this module) and applies disclosure control *before* anything is returned:
  k-anonymity on the quasi-identifiers, counted per questionnaire (``response``) in both
  layouts; if violated, global recoding in this order, each step kept only if it lowers the
  number of questionnaires at risk:

  1. period (and exit month) month → half-year ("2016-H1"),
  2. period → year ("2016"),
  3. age bands merged into 16-24, 25-39, 40-64,
  4. gender "other" and "undisclosed" merged into "other_or_undisclosed",
  5. county replaced by "region unknown" (last resort),

  and finally local suppression: questionnaires in classes still smaller than k are dropped.
  Every step taken is described in ``BuiltDataset.changes``.
* :func:`dataset_write` writes the frame as csv, xlsx, sav, dta or parquet, always with a
  Frictionless ``datapackage.json`` and a human-readable ``codebook.html``.

Missing-value codes in item columns (values 1–5):

* ``-9`` (:data:`DONT_KNOW_CODE`): the respondent answered "Vet inte / ej aktuellt" (don't
  know / not applicable). Labelled in every format; declared user-missing in SPSS.
* empty / NA / system missing: the item was not answered (or not on the form).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from stats.disclosure import generalise, k_anonymity

DONT_KNOW_CODE = -9
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
)
FORMATS: tuple[str, ...] = ("csv", "xlsx", "sav", "dta", "parquet")
CSV_CHUNK_ROWS = 50_000
XLSX_MAX_ROWS = 1_048_575  # one header row
STATA_LABEL_MAX = 80

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
AssociationCodes = Literal["names", "coded"]


@dataclass(frozen=True)
class DatasetSpec:
    """What a researcher asked for.

    ``variables``: item codes (e.g. ``["p1", "p14"]``) or None for every item of the
    instrument. ``period_from`` / ``period_to``: inclusive months (any day of the month), or
    None for open. ``layout``: "wide" (one row per questionnaire) or "long" (one row per
    answer). ``association_codes``: "names" keeps slugs, "coded" replaces them by A01, A02, …
    sorted by slug. ``quasi_identifiers``: columns on which k-anonymity is enforced (counted per
    questionnaire). ``snapshot_number`` and ``citation`` go into the metadata.
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

    def __post_init__(self) -> None:
        if self.layout not in ("wide", "long"):
            raise ValueError(f"layout must be 'wide' or 'long', not {self.layout!r}")
        if self.association_codes not in ("names", "coded"):
            raise ValueError("association_codes must be 'names' or 'coded'")
        if self.k < 1:
            raise ValueError("k must be at least 1")
        unknown = set(self.quasi_identifiers) - set(CONTEXT_COLUMNS)
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
class _Item:
    code: str
    point: int
    statement_sv: str
    statement_en: str


def _instrument_items(instrument: Mapping[str, Any]) -> list[_Item]:
    items = []
    for point in instrument.get("points", []):
        for it in point.get("items") or []:
            items.append(
                _Item(
                    code=str(it["code"]),
                    point=int(point["number"]),
                    statement_sv=" ".join(str(it.get("statement_sv", "")).split()),
                    statement_en=" ".join(str(it.get("statement_en", "")).split()),
                )
            )
    return items


def _scale_labels(instrument: Mapping[str, Any]) -> dict[int, dict[str, str]]:
    scale = instrument.get("scale", {})
    labels = {int(x["value"]): {"sv": str(x["sv"]), "en": str(x["en"])} for x in scale["labels"]}
    miss = scale.get("missing") or {"sv": "Vet inte", "en": "Don't know"}
    labels[DONT_KNOW_CODE] = {"sv": str(miss["sv"]), "en": str(miss["en"])}
    return labels


def _lookup(instrument: Mapping[str, Any], key: str) -> dict[str, dict[str, str]]:
    return {
        str(x["code"]): {"sv": str(x.get("sv", x["code"])), "en": str(x.get("en", x["code"]))}
        for x in instrument.get(key, [])
    }


# --------------------------------------------------------------------------- generalisation


def _period_half_year(value: object) -> object:
    if not isinstance(value, str) or len(value) != 7:  # only "YYYY-MM" is coarsened
        return value
    return f"{value[:4]}-H{1 if int(value[5:7]) <= 6 else 2}"


def _period_year(value: object) -> object:
    return value[:4] if isinstance(value, str) else value


def _month_text(series: pd.Series) -> pd.Series:
    ts = pd.to_datetime(series)
    out = ts.dt.strftime("%Y-%m").astype(object)
    return out.where(ts.notna(), None)


@dataclass(frozen=True)
class _Step:
    """A global recoding of one quasi-identifier column, value by value."""

    column: str
    recode: Callable[[object], object]
    description: str

    def merge(self, series: pd.Series) -> dict[object, object]:
        return {v: self.recode(v) for v in series.dropna().unique()}


def _merged(mapping: Mapping[str, str]) -> Callable[[object], object]:
    return lambda v: mapping.get(v, v) if isinstance(v, str) else v


def _steps(quasi: Sequence[str]) -> list[_Step]:
    steps: list[_Step] = []
    if "period" in quasi:
        steps.append(
            _Step(
                "period",
                _period_half_year,
                "period (and exit month) coarsened from month to half-year (YYYY-H1/H2)",
            )
        )
        steps.append(
            _Step(
                "period", _period_year, "period (and exit month) coarsened to calendar year (YYYY)"
            )
        )
    if "age_band" in quasi:
        merged = ", ".join(sorted(set(AGE_MERGE.values())))
        steps.append(_Step("age_band", _merged(AGE_MERGE), f"age bands merged into {merged}"))
    if "gender" in quasi:
        steps.append(
            _Step(
                "gender",
                _merged(GENDER_MERGE),
                f"gender 'other' and 'undisclosed' merged into '{OTHER_OR_UNDISCLOSED}'",
            )
        )
    if "county" in quasi:
        steps.append(
            _Step(
                "county",
                lambda v: REGION_UNKNOWN if v is not None else v,
                f"county replaced by '{REGION_UNKNOWN}' (last resort)",
            )
        )
    return steps


def _disclosure_control(
    contexts: pd.DataFrame, quasi: Sequence[str], k: int
) -> tuple[pd.DataFrame, list[str], list[_Step]]:
    """One row per questionnaire in, k-anonymous rows out (recoded, then suppressed).

    Each recoding step is tried on top of the ones kept so far and kept only if it lowers the
    number of questionnaires at risk; stops as soon as the data are k-anonymous."""
    qi = list(quasi)
    changes: list[str] = []
    applied: list[_Step] = []
    if not qi or contexts.empty:
        return contexts, changes, applied
    check = k_anonymity(contexts, qi, k=k)
    if check.satisfied:
        return contexts, changes, applied
    changes.append(
        f"{check.records_at_risk} of {len(contexts)} questionnaires were in "
        f"{len(check.risky)} equivalence classes smaller than k={k} on {', '.join(qi)}"
    )
    current = contexts
    for step in _steps(qi):
        trial = generalise(current, merge={step.column: step.merge(current[step.column])})
        trial_check = k_anonymity(trial, qi, k=k)
        if trial_check.records_at_risk < check.records_at_risk:
            current, check = trial, trial_check
            applied.append(step)
            changes.append(
                f"generalised: {step.description}; {check.records_at_risk} questionnaires "
                f"still at risk"
            )
        if check.satisfied:
            break
    if not check.satisfied:
        sizes = current.groupby(qi, dropna=False, observed=True)["response"].transform("size")
        small = sizes < k
        changes.append(
            f"suppressed: {int(small.sum())} questionnaires in {len(check.risky)} equivalence "
            f"classes still smaller than k={k} were removed"
        )
        current = current[~small]
    return current, changes, applied


def _coarsen_month(value: object, applied: Sequence[_Step]) -> object:
    for step in applied:
        if step.column == "period":
            value = step.recode(value)
    return value


# --------------------------------------------------------------------------- build


def _association_codes(slugs: Iterable[str]) -> dict[str, str]:
    ordered = sorted({str(s) for s in slugs if s is not None and not pd.isna(s)})
    width = max(2, len(str(len(ordered))))
    return {slug: f"A{i + 1:0{width}d}" for i, slug in enumerate(ordered)}


def _month_start(d: date) -> pd.Timestamp:
    return pd.Timestamp(year=d.year, month=d.month, day=1)


def dataset_build(
    *,
    answers: pd.DataFrame,
    outcomes: pd.DataFrame,
    instrument: Mapping[str, Any],
    spec: DatasetSpec,
) -> BuiltDataset:
    """Build a disclosure-controlled researcher dataset from a snapshot's pooled frames.

    ``answers`` / ``outcomes``: as returned by ``national.report_store.snapshot_frames``.
    ``instrument``: the instrument YAML as a dict (items, statements, scale, forms).
    ``spec``: the selection, layout, association coding and disclosure parameters.

    Returns a :class:`BuiltDataset` whose frame has no equivalence class smaller than
    ``spec.k`` questionnaires on ``spec.quasi_identifiers`` (after any generalisation).
    """
    items = _instrument_items(instrument)
    known = [it.code for it in items]
    if spec.variables is None:
        selected = known
    else:
        unknown = sorted(set(spec.variables) - set(known))
        if unknown:
            raise ValueError(f"unknown item codes: {unknown}")
        wanted = set(spec.variables)
        selected = [c for c in known if c in wanted]

    a = answers[answers["item_code"].isin(selected)]
    period = pd.to_datetime(a["period"])
    if spec.period_from is not None:
        a = a[period >= _month_start(spec.period_from)]
        period = period.loc[a.index]
    if spec.period_to is not None:
        a = a[period <= _month_start(spec.period_to)]

    # One row per questionnaire: the unit of disclosure control in both layouts.
    contexts = (
        a.loc[:, list(CONTEXT_COLUMNS)]
        .drop_duplicates("response")
        .sort_values("response", kind="stable")
        .reset_index(drop=True)
    )
    contexts = contexts.astype(
        {c: object for c in CONTEXT_COLUMNS if c not in ("response", "period")}
    )
    contexts["period"] = _month_text(contexts["period"])
    for col in ("pseudonym", "gender", "age_band", "county"):
        contexts[col] = contexts[col].where(contexts[col].notna(), None)

    coding = (
        _association_codes(list(answers["association"]) + list(outcomes["association"]))
        if spec.association_codes == "coded"
        else None
    )
    if coding is not None:
        contexts["association"] = contexts["association"].map(coding)

    released, changes, applied = _disclosure_control(contexts, spec.quasi_identifiers, spec.k)

    # Register outcomes, one row per pseudonym, exit month coarsened like the period.
    out = outcomes.loc[outcomes["pseudonym"].notna(), ["pseudonym", *OUTCOME_COLUMNS]]
    out = out.drop_duplicates("pseudonym").copy()
    out["exit_month"] = _month_text(out["exit_month"]).map(
        lambda v: _coarsen_month(v, applied) if v is not None else None
    )
    out["exit_outcome"] = out["exit_outcome"].astype(object).where(out["exit_outcome"].notna())
    out["subsidised_work"] = out["subsidised_work"].astype("boolean")
    released = released.merge(out, on="pseudonym", how="left")
    no_outcome = released["exit_outcome"].isna() & released["exit_month"].isna()
    released.loc[no_outcome & released["pseudonym"].isna(), "subsidised_work"] = pd.NA

    kept = a[a["response"].isin(released["response"])]
    coded_value = kept["value"].astype("Int16").mask(kept["dont_know"], DONT_KNOW_CODE)
    if spec.layout == "wide":
        values = pd.DataFrame(
            {"response": kept["response"], "item": kept["item_code"], "value": coded_value}
        ).pivot_table(
            index="response", columns="item", values="value", aggfunc="first", dropna=False
        )
        present = [c for c in selected if c in values.columns]
        values = values.reindex(columns=present).astype("Int16")
        frame = released.merge(values, left_on="response", right_index=True, how="left")
        for c in present:
            frame[c] = frame[c].astype("Int16")
        item_columns = present
    else:
        long = pd.DataFrame(
            {
                "response": kept["response"].to_numpy(),
                "item_code": kept["item_code"].astype(object).to_numpy(),
                "value": coded_value.to_numpy(),
            }
        )
        long["value"] = long["value"].astype("Int16")
        frame = released.merge(long, on="response", how="inner")
        order = {c: i for i, c in enumerate(selected)}
        frame = frame.assign(_o=frame["item_code"].map(order))
        frame = frame.sort_values(["response", "_o"], kind="stable").drop(columns="_o")
        item_columns = []
    columns = [*CONTEXT_COLUMNS, *OUTCOME_COLUMNS]
    columns += item_columns if spec.layout == "wide" else ["item_code", "value"]
    frame = frame.loc[:, columns].reset_index(drop=True)
    codebook = _codebook(
        instrument=instrument,
        items=[it for it in items if it.code in set(selected)],
        item_columns=item_columns,
        frame=frame,
        spec=spec,
        changes=changes,
    )
    return BuiltDataset(frame=frame, changes=changes, codebook=codebook)


# --------------------------------------------------------------------------- codebook


def _codebook(
    *,
    instrument: Mapping[str, Any],
    items: Sequence[_Item],
    item_columns: Sequence[str],
    frame: pd.DataFrame,
    spec: DatasetSpec,
    changes: Sequence[str],
) -> dict[str, Any]:
    scale = _scale_labels(instrument)
    scale_labels = {str(v): lab for v, lab in sorted(scale.items(), key=lambda x: (x[0] < 0, x[0]))}
    forms = _lookup(instrument, "forms")
    occasions = _lookup(instrument, "occasions")
    respondents = _lookup(instrument, "respondent_groups")
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
        "instrument_versions": sorted({str(v) for v in frame["instrument_version"].dropna()}),
        "citation": spec.citation,
        "layout": spec.layout,
        "association_codes": spec.association_codes,
        "period_from": spec.period_from.isoformat() if spec.period_from else None,
        "period_to": spec.period_to.isoformat() if spec.period_to else None,
        "k": spec.k,
        "quasi_identifiers": list(spec.quasi_identifiers),
        "rows": len(frame),
        "questionnaires": int(frame["response"].nunique()),
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


# --------------------------------------------------------------------------- write


def _variables(dataset: BuiltDataset) -> list[dict[str, Any]]:
    return list(dataset.codebook["variables"])


def _labels_frame(dataset: BuiltDataset) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for v in _variables(dataset):
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


def _csv_write(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV in chunks (no full-size text copy); missing as empty, booleans true/false."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        if frame.empty:
            frame.to_csv(fh, index=False)
            return
        for start in range(0, len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start : start + CSV_CHUNK_ROWS]
            bools = [c for c in chunk.columns if str(chunk[c].dtype) in ("bool", "boolean")]
            if bools:
                chunk = chunk.assign(
                    **{c: chunk[c].map({True: "true", False: "false"}) for c in bools}
                )
            chunk.to_csv(fh, index=False, header=start == 0, lineterminator="\n")


def _numeric_for_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """SPSS/Stata need plain numpy columns: nullable ints as float (NaN = system missing),
    booleans as 0/1, text as object with "" for missing."""
    cols: dict[str, Any] = {}
    for c in frame.columns:
        s = frame[c]
        if str(s.dtype) in ("bool", "boolean"):
            cols[c] = s.astype("Float64").astype("float64")
        elif pd.api.types.is_integer_dtype(s.dtype):
            cols[c] = s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        else:
            cols[c] = s.astype(object).where(s.notna(), "").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(cols, index=frame.index)


def _stat_labels(
    dataset: BuiltDataset, *, max_len: int | None
) -> tuple[dict[str, str], dict[str, dict[float, str]]]:
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for v in _variables(dataset):
        label = str(v["label_sv"])
        if max_len is not None and len(label) > max_len:
            label = label[: max_len - 1] + "…"
        labels[v["name"]] = label
        if v["type"] == "integer" and v.get("value_labels"):
            value_labels[v["name"]] = {
                float(k): str(lab["sv"]) for k, lab in v["value_labels"].items()
            }
        if v["type"] == "boolean":
            value_labels[v["name"]] = {0.0: "Nej", 1.0: "Ja"}
    return labels, value_labels


def _sav_write(dataset: BuiltDataset, path: Path) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, max_len=None)
    frame = _numeric_for_stats(dataset.frame)
    missing: dict[str, list[int | float | str | Any]] = {
        v["name"]: [DONT_KNOW_CODE] for v in _variables(dataset) if v.get("missing_values")
    }
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[labels.get(c, c) for c in frame.columns],
        variable_value_labels=value_labels,
        missing_ranges=missing,
        file_label=str(dataset.codebook.get("title_sv", ""))[:64],
    )


def _dta_write(dataset: BuiltDataset, path: Path) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, max_len=STATA_LABEL_MAX)
    frame = _numeric_for_stats(dataset.frame)
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=[labels.get(c, c) for c in frame.columns],
        variable_value_labels=value_labels,
        file_label=str(dataset.codebook.get("title_en", ""))[:80],
    )


def _parquet_write(dataset: BuiltDataset, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(dataset.frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"nns_codebook"] = json.dumps(dataset.codebook, ensure_ascii=False).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(meta), path)


def _xlsx_write(dataset: BuiltDataset, path: Path) -> None:
    if len(dataset.frame) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(dataset.frame)} rows do not fit in one Excel sheet")
    frame = dataset.frame.astype(
        {c: object for c in dataset.frame.columns if str(dataset.frame[c].dtype) == "boolean"}
    )
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="data", index=False)
        _labels_frame(dataset).to_excel(xl, sheet_name="labels", index=False)


_FRICTIONLESS_TYPE = {"integer": "integer", "string": "string", "boolean": "boolean"}


def _schema(dataset: BuiltDataset) -> dict[str, Any]:
    fields = []
    for v in _variables(dataset):
        f: dict[str, Any] = {
            "name": v["name"],
            "type": _FRICTIONLESS_TYPE[v["type"]],
            "title": v["label_en"],
            "description": f"{v['label_sv']} / {v['label_en']}",
            "title_sv": v["label_sv"],
            "title_en": v["label_en"],
        }
        if v["type"] == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        if v.get("statement_sv"):
            f["statement_sv"], f["statement_en"] = v["statement_sv"], v["statement_en"]
            f["item_code"], f["point"] = v["item_code"], v["point"]
        if v.get("value_labels"):
            f["valueLabels"] = v["value_labels"]
        if v.get("missing_values"):
            f["missingValueLabels"] = v["missing_values"]
            f["constraints"] = {"minimum": 1, "maximum": 5}
        fields.append(f)
    # "-9" (don't know) is declared missing so the 1–5 constraints validate; its label is in
    # missingValueLabels on each item field.
    return {"fields": fields, "missingValues": ["", str(DONT_KNOW_CODE)]}


def _datapackage(
    dataset: BuiltDataset, fmt: str, data_name: str, labels_name: str | None
) -> dict[str, Any]:
    cb = dataset.codebook
    resource: dict[str, Any] = {
        "name": "data",
        "path": data_name,
        "profile": "tabular-data-resource",
        "title": cb["title_en"],
        "description": f"{cb['title_sv']} / {cb['title_en']} ({cb['layout']} layout)",
        "format": fmt,
        "schema": _schema(dataset),
    }
    if fmt == "csv":
        resource.update(mediatype="text/csv", encoding="utf-8")
    elif fmt == "xlsx":
        resource["dialect"] = {"excel": {"sheet": "data"}}
    resources = [resource]
    if labels_name is not None:
        labels: dict[str, Any] = {
            "name": "labels",
            "path": labels_name,
            "profile": "tabular-data-resource",
            "title": "Variable, value and missing-value labels (sv/en)",
            "format": fmt,
            "schema": {
                "fields": [
                    {"name": n, "type": "string"}
                    for n in ("kind", "variable", "value", "label_sv", "label_en")
                ],
                "missingValues": [],
            },
        }
        if fmt == "csv":
            labels.update(mediatype="text/csv", encoding="utf-8")
        resources.append(labels)
    return {
        "name": f"nns-snapshot-{cb['snapshot'] or 'x'}-{cb['layout']}",
        "profile": "tabular-data-package",
        "title": cb["title_en"],
        "description": f"{cb['title_sv']} / {cb['title_en']}",
        "instrument_version": cb["instrument_version"],
        "snapshot": cb["snapshot"],
        "citation": cb["citation"],
        "k_anonymity": {"k": cb["k"], "quasi_identifiers": cb["quasi_identifiers"]},
        "disclosure_changes": cb["changes"],
        "missing_value_codes": cb["missing_values"],
        "resources": resources,
    }


def _codebook_html(dataset: BuiltDataset) -> str:
    cb = dataset.codebook
    e = html.escape

    def labels_list(d: Mapping[str, Mapping[str, str]] | None) -> str:
        if not d:
            return ""
        return "<br>".join(
            f"<code>{e(str(k))}</code> {e(v['sv'])} / {e(v['en'])}" for k, v in d.items()
        )

    rows = "\n".join(
        f"<tr><td><code>{e(v['name'])}</code></td><td>{e(v['type'])}</td>"
        f"<td lang='sv'>{e(v['label_sv'])}</td><td lang='en'>{e(v['label_en'])}</td>"
        f"<td>{labels_list(v.get('value_labels'))}</td>"
        f"<td>{labels_list(v.get('missing_values'))}</td></tr>"
        for v in cb["variables"]
    )
    changes = (
        "".join(f"<li>{e(c)}</li>" for c in cb["changes"])
        or "<li>None needed / Inga ändringar behövdes</li>"
    )
    missing = "".join(
        f"<li><code>{e(k) or '(empty / NA)'}</code>: {e(v['sv'])} / {e(v['en'])}</li>"
        for k, v in cb["missing_values"].items()
    )
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{e(cb["title_sv"])}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em;vertical-align:top}}
</style></head><body>
<h1>{e(cb["title_sv"])}</h1><p lang="en">{e(cb["title_en"])}</p>
<dl><dt>Snapshot / Ögonblicksbild</dt><dd>{e(str(cb["snapshot"]))}</dd>
<dt>Instrument version</dt><dd>{e(str(cb["instrument_version"]))}</dd>
<dt>Layout</dt><dd>{e(cb["layout"])}</dd>
<dt>Rows / Rader</dt><dd>{cb["rows"]} ({cb["questionnaires"]} questionnaires / enkätsvar)</dd>
<dt>Period</dt><dd>{e(str(cb["period_from"] or "–"))} – {e(str(cb["period_to"] or "–"))}</dd>
<dt>Associations / Förbund</dt><dd>{e(cb["association_codes"])}</dd></dl>
<h2>Missing-value codes / Koder för bortfall</h2><ul>{missing}</ul>
<h2>Disclosure control / Röjandekontroll</h2>
<p>k = {cb["k"]} on {e(", ".join(cb["quasi_identifiers"]))}, counted per questionnaire.</p>
<ul>{changes}</ul>
<h2>Variables / Variabler</h2>
<table><tr><th>Name</th><th>Type</th><th>Etikett (sv)</th><th>Label (en)</th>
<th>Value labels</th><th>Missing</th></tr>
{rows}
</table>
<h2>Citation / Citering</h2><p>{e(cb["citation"])}</p>
</body></html>
"""


def dataset_write(*, dataset: BuiltDataset, fmt: str, directory: Path | str) -> list[Path]:
    """Write ``dataset`` as ``fmt`` ("csv", "xlsx", "sav", "dta" or "parquet") into
    ``directory`` (created if needed), with ``datapackage.json`` and ``codebook.html``.

    csv: ``data.csv`` (UTF-8, missing = empty, booleans true/false) and ``labels.csv``;
    xlsx: ``data.xlsx`` with sheets "data" and "labels"; sav: ``data.sav`` with Swedish
    variable and value labels and -9 user-missing; dta: ``data.dta`` with labels cut to 80
    characters; parquet: ``data.parquet`` (codebook JSON in the schema metadata).
    Returns the written paths, data file first.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data_path = out / f"data.{fmt}"
    written = [data_path]
    labels_name: str | None = None
    if fmt == "csv":
        _csv_write(dataset.frame, data_path)
        labels_path = out / "labels.csv"
        _csv_write(_labels_frame(dataset), labels_path)
        written.append(labels_path)
        labels_name = labels_path.name
    elif fmt == "xlsx":
        _xlsx_write(dataset, data_path)
    elif fmt == "sav":
        _sav_write(dataset, data_path)
    elif fmt == "dta":
        _dta_write(dataset, data_path)
    else:
        _parquet_write(dataset, data_path)
    package = out / "datapackage.json"
    package.write_text(
        json.dumps(
            _datapackage(dataset, fmt, data_path.name, labels_name),
            ensure_ascii=False,
            indent=2,
            default=_json_default,
        ),
        encoding="utf-8",
    )
    codebook = out / "codebook.html"
    codebook.write_text(_codebook_html(dataset), encoding="utf-8")
    return [*written, package, codebook]


def _json_default(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)
