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

Speed and memory (``bench/bench_export.py``: 1M questionnaires, 3.8M answers). The build is
vectorised: answers become integer arrays, questionnaire contexts Categoricals, recodings run
per category and k-anonymity is counted on one integer key per questionnaire; the wide layout
is one scatter into an items × questionnaires Int16 block. The released frame is held in
memory (disclosure control needs all of it; ~110 MiB at 1M x 42 with text as categoricals);
the writers stream it in chunks of rows: Parquet by row group (``ParquetWriter``), CSV by
50,000 rows, and .sav/.dta by 65,536 rows encoded with numpy into the files' fixed-width
records after pyreadstat has written the dictionary (labels, value labels, missing ranges)
from a two-row template — pyreadstat alone writes row by row in Python (~150 s for 1M rows)
and stays the checked fallback. Only xlsx (openpyxl) builds the whole file in memory.

Missing-value codes in item columns (values 1–5):

* ``-9`` (:data:`DONT_KNOW_CODE`): the respondent answered "Vet inte / ej aktuellt" (don't
  know / not applicable). Labelled in every format; declared user-missing in SPSS.
* empty / NA / system missing: the item was not answered (or not on the form).
"""

from __future__ import annotations

import html
import json
import math
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

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
#
# Every quasi-identifier is held as a pandas Categorical: the recodings below run in Python on
# the (few) categories only and are applied to the rows by one integer take of the codes.


def _period_half_year(value: object) -> object:
    if not isinstance(value, str) or len(value) != 7:  # only "YYYY-MM" is coarsened
        return value
    return f"{value[:4]}-H{1 if int(value[5:7]) <= 6 else 2}"


def _period_year(value: object) -> object:
    return value[:4] if isinstance(value, str) else value


def _from_labels(codes: np.ndarray, labels: Sequence[object]) -> pd.Categorical:
    """Rows given as ``codes`` into ``labels`` (-1 = missing; a None/NaN label is missing too)
    as a Categorical whose categories are the distinct labels, sorted."""
    new_codes, cats = pd.factorize(pd.Series(list(labels), dtype=object), sort=True)
    mapping = np.append(new_codes, -1).astype(np.int32)  # code -1 → the appended -1
    categories = pd.Index([str(c) for c in cats], dtype=object)
    return pd.Categorical.from_codes(mapping[codes], categories=categories)


def _recode(cat: pd.Categorical, recode: Callable[[object], object]) -> pd.Categorical:
    return _from_labels(cat.codes, [recode(c) for c in cat.categories])


def _used_categories(cat: pd.Categorical) -> pd.Categorical:
    """``cat`` without unused categories (one bincount; pandas' own version sorts the codes)."""
    codes = np.asarray(cat.codes)
    used = np.bincount(codes[codes >= 0], minlength=len(cat.categories)) > 0
    if used.all():
        return cat
    remap = np.full(len(used) + 1, -1, dtype=np.int32)
    remap[:-1][used] = np.arange(int(used.sum()))
    return pd.Categorical.from_codes(remap[codes], categories=cat.categories[used])


def _as_categorical(values: pd.Series) -> pd.Categorical:
    """A string-like column (object, str or category) as a Categorical of str categories
    (sorted, unless the column was categorical already)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = _used_categories(values.array)
        if pd.api.types.infer_dtype(cat.categories, skipna=True) == "string":
            return cat
        return _recode(cat, str)
    codes, uniques = pd.factorize(values)
    if pd.api.types.infer_dtype(uniques, skipna=True) != "string":
        return _from_labels(codes, [str(u) for u in uniques])
    # Sort the categories in C (Arrow strings), not by Python comparisons of objects.
    order = pd.Index(uniques, dtype="str").argsort()
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order], rank[-1] = np.arange(len(order)), -1  # code -1 stays missing
    categories = pd.Index(np.asarray(uniques, dtype=object)[order], dtype=object)
    return pd.Categorical.from_codes(rank[codes], categories=categories)


def _month_labels(values: pd.Series) -> pd.Categorical:
    """Dates (datetime, Timestamp objects, categorical or text) as "YYYY-MM" categories."""
    codes, uniques = pd.factorize(values)
    months = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)))
    text = months.dt.strftime("%Y-%m")
    return _from_labels(codes, [None if pd.isna(t) else t for t in text])


def _take(cat: pd.Categorical, pos: np.ndarray) -> pd.Categorical:
    """Rows ``pos`` of ``cat``; -1 gives missing."""
    if len(cat) == 0:
        codes = np.full(len(pos), -1, dtype=np.int32)
    else:
        codes = np.where(pos >= 0, cat.codes[pos], -1)
    return pd.Categorical.from_codes(codes, categories=cat.categories)


def _class_sizes(columns: Sequence[pd.Categorical], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Equivalence classes of the rows on ``columns`` (missing is a value of its own):
    (class id per row, size per class). One integer key per row, one hash pass."""
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for cat in columns:
        radix = len(cat.categories) + 1
        if span * radix >= 2**62:  # keep the mixed-radix key in int64
            key, uniques = pd.factorize(key)
            key, span = key.astype(np.int64), max(len(uniques), 1)
        key = key * radix + (cat.codes.astype(np.int64) + 1)
        span *= radix
    ids, uniques = pd.factorize(key)
    return ids, np.bincount(ids, minlength=len(uniques))


@dataclass(frozen=True)
class _KCheck:
    records_at_risk: int
    classes_at_risk: int
    at_risk: np.ndarray  # bool per row

    @property
    def satisfied(self) -> bool:
        return self.records_at_risk == 0


def _k_check(frame: pd.DataFrame, qi: Sequence[str], k: int) -> _KCheck:
    ids, sizes = _class_sizes([frame[c].array for c in qi], len(frame))
    small = sizes < k
    return _KCheck(int(sizes[small].sum()), int(small.sum()), small[ids])


@dataclass(frozen=True)
class _Step:
    """A global recoding of one quasi-identifier column, value by value."""

    column: str
    recode: Callable[[object], object]
    description: str


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
    """One row per questionnaire in (quasi-identifiers as Categoricals), k-anonymous rows out
    (recoded, then suppressed).

    Each recoding step is tried on top of the ones kept so far and kept only if it lowers the
    number of questionnaires at risk; stops as soon as the data are k-anonymous."""
    qi = list(quasi)
    changes: list[str] = []
    applied: list[_Step] = []
    if not qi or contexts.empty:
        return contexts, changes, applied
    check = _k_check(contexts, qi, k)
    if check.satisfied:
        return contexts, changes, applied
    changes.append(
        f"{check.records_at_risk} of {len(contexts)} questionnaires were in "
        f"{check.classes_at_risk} equivalence classes smaller than k={k} on {', '.join(qi)}"
    )
    current = contexts
    for step in _steps(qi):
        trial = current.copy(deep=False)
        trial[step.column] = _recode(current[step.column].array, step.recode)
        trial_check = _k_check(trial, qi, k)
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
        changes.append(
            f"suppressed: {check.records_at_risk} questionnaires in {check.classes_at_risk} "
            f"equivalence classes still smaller than k={k} were removed"
        )
        current = current[~check.at_risk]
    return current, changes, applied


def _coarsen_month(value: object, applied: Sequence[_Step]) -> object:
    for step in applied:
        if step.column == "period":
            value = step.recode(value)
    return value


# --------------------------------------------------------------------------- build


def _association_codes(slugs: Iterable[object]) -> dict[str, str]:
    ordered = sorted({str(s) for s in slugs if s is not None and not pd.isna(s)})
    width = max(2, len(str(len(ordered))))
    return {slug: f"A{i + 1:0{width}d}" for i, slug in enumerate(ordered)}


def _month_start(d: date) -> pd.Timestamp:
    return pd.Timestamp(year=d.year, month=d.month, day=1)


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of the first row of each distinct key, ordered by key; group number of each
    row in that order)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if bool(np.all(keys[1:] >= keys[:-1])):  # sorted already (the usual case): no hashing
        start = np.r_[True, keys[1:] != keys[:-1]]
        return np.flatnonzero(start), np.cumsum(start) - 1
    first = np.flatnonzero(~pd.Series(keys).duplicated().to_numpy())
    first = first[np.argsort(keys[first], kind="stable")]
    return first, np.searchsorted(keys[first], keys)


def _outcome_columns(
    outcomes: pd.DataFrame, pseudonyms: pd.Categorical, applied: Sequence[_Step]
) -> dict[str, Any]:
    """Register outcomes for each row's pseudonym (first outcome row per pseudonym), exit month
    coarsened like the period; rows without a pseudonym or outcome row get missing values."""
    has = np.flatnonzero(outcomes["pseudonym"].notna().to_numpy())
    keys = pd.Series(np.asarray(outcomes["pseudonym"].take(has), dtype=object), dtype="str")
    once = ~keys.duplicated().to_numpy()
    has = has[once]
    index = pd.Index(keys[once], dtype="str")
    at_category = index.get_indexer(pd.Index(pseudonyms.categories, dtype="str"))
    codes = pseudonyms.codes
    pos = at_category[codes] if len(at_category) else np.full(len(codes), -1)
    pos = np.where(codes >= 0, pos, -1)
    exit_month = _month_labels(outcomes["exit_month"].take(has))
    exit_month = _recode(exit_month, lambda v: _coarsen_month(v, applied))
    work = outcomes["subsidised_work"].take(has).astype("boolean").array
    work_values = work.to_numpy(dtype=bool, na_value=False)
    work_missing = np.asarray(work.isna())
    if len(has):
        work_values, work_missing = work_values[pos], work_missing[pos] | (pos < 0)
    else:
        work_values, work_missing = np.zeros(len(pos), bool), np.ones(len(pos), bool)
    return {
        "exit_outcome": _take(_as_categorical(outcomes["exit_outcome"].take(has)), pos),
        "subsidised_work": pd.arrays.BooleanArray(work_values, work_missing),
        "exit_month": _take(exit_month, pos),
    }


def dataset_build(
    *,
    answers: pd.DataFrame,
    outcomes: pd.DataFrame,
    instrument: Mapping[str, Any],
    spec: DatasetSpec,
) -> BuiltDataset:
    """Build a disclosure-controlled researcher dataset from a snapshot's pooled frames.

    ``answers`` / ``outcomes``: as returned by ``national.report_store.snapshot_frames`` (text
    columns may be object, str or categorical). ``instrument``: the instrument YAML as a dict
    (items, statements, scale, forms). ``spec``: the selection, layout, association coding and
    disclosure parameters.

    Returns a :class:`BuiltDataset` whose frame has no equivalence class smaller than
    ``spec.k`` questionnaires on ``spec.quasi_identifiers`` (after any generalisation). Text
    columns of the frame are Categoricals (str categories), ``response`` int64, items (wide)
    and ``value`` (long) Int16, ``subsidised_work`` boolean.

    Vectorised throughout: answers are reduced to integer arrays (row positions, item codes,
    values), the questionnaire contexts to Categoricals; Python runs per category, never per
    row; the long→wide pivot is one scatter into an items × questionnaires Int16 block.
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

    # Answers as integer arrays: item position in ``selected`` (-1: not selected), response.
    item_codes, item_uniques = pd.factorize(answers["item_code"])
    lookup = pd.Index(selected, dtype=object).get_indexer([str(u) for u in item_uniques])
    item_all = np.append(lookup, -1)[item_codes]
    del item_codes
    keep = item_all >= 0
    if spec.period_from is not None or spec.period_to is not None:
        period_all = pd.to_datetime(answers["period"]).to_numpy()
        if spec.period_from is not None:
            keep &= period_all >= _month_start(spec.period_from).to_datetime64()
        if spec.period_to is not None:
            keep &= period_all <= _month_start(spec.period_to).to_datetime64()
        del period_all
    rows = np.flatnonzero(keep)
    del keep
    response = answers["response"].to_numpy(dtype=np.int64)[rows]
    item = item_all[rows]
    del item_all

    # One row per questionnaire, ordered by response: the unit of disclosure control.
    first, group = _groups(response)
    at = rows[first]
    contexts = pd.DataFrame({"response": response[first]})
    for col in CONTEXT_COLUMNS[1:]:
        values = answers[col].take(at)
        contexts[col] = _month_labels(values) if col == "period" else _as_categorical(values)
    if spec.association_codes == "coded":
        coding = _association_codes(
            [*pd.unique(answers["association"]), *pd.unique(outcomes["association"])]
        )
        contexts["association"] = _recode(
            contexts["association"].array, lambda v: coding.get(str(v))
        )

    released, changes, applied = _disclosure_control(contexts, spec.quasi_identifiers, spec.k)
    # Row of each questionnaire in ``released`` (-1: suppressed), by group number.
    released_at = np.full(len(contexts), -1, dtype=np.int64)
    n = len(released)
    released_at[released.index.to_numpy()] = np.arange(n)
    released = released.reset_index(drop=True)
    columns: dict[str, Any] = {c: released[c].array for c in CONTEXT_COLUMNS}
    columns.update(_outcome_columns(outcomes, released["pseudonym"].array, applied))

    # Answers of the released questionnaires: row position in ``released`` per answer.
    pos = released_at[group]
    inside = pos >= 0
    answer_rows, pos, item = rows[inside], pos[inside], item[inside]
    del rows, response, group, inside
    value = answers["value"].to_numpy(dtype=np.float64, na_value=np.nan)[answer_rows]
    dont_know = answers["dont_know"].to_numpy(dtype=bool, na_value=False)[answer_rows]
    del answer_rows
    missing = np.isnan(value) & ~dont_know
    coded = np.where(dont_know, DONT_KNOW_CODE, np.nan_to_num(value)).astype(np.int16)

    if spec.layout == "wide":
        # The first answer per (questionnaire, item), scattered into an items × rows block.
        n_items = len(selected)
        cell = pos * n_items + item
        if bool(np.all(cell[1:] > cell[:-1])):  # sorted and unique (the usual case)
            once = np.ones(len(cell), dtype=bool)
        else:
            once = ~pd.Series(cell).duplicated().to_numpy()
        data = np.zeros((n_items, n), dtype=np.int16)
        mask = np.ones((n_items, n), dtype=bool)
        data[item[once], pos[once]] = coded[once]
        mask[item[once], pos[once]] = missing[once]
        present = np.bincount(item, minlength=n_items) > 0
        item_columns = [c for c, p in zip(selected, present, strict=True) if p]
        for j, code in enumerate(selected):
            if present[j]:
                columns[code] = pd.arrays.IntegerArray(data[j], mask[j])
        frame = pd.DataFrame(columns)
    else:
        order = np.lexsort((item, pos))  # by questionnaire, then instrument item order
        pos, item = pos[order], item[order]
        frame = pd.DataFrame({c: v.take(pos) for c, v in columns.items()})
        frame["item_code"] = pd.Categorical.from_codes(
            item, categories=pd.Index(selected, dtype=object)
        ).remove_unused_categories()
        frame["value"] = pd.arrays.IntegerArray(coded[order], missing[order])
        item_columns = []
    frame = frame.reset_index(drop=True)
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


Progress = Callable[[float], None]


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, n)) for start in range(0, n, size)] or [(0, 0)]


def _csv_write(frame: pd.DataFrame, path: Path, progress: Progress | None = None) -> None:
    """UTF-8 CSV in chunks (no full-size text copy); missing as empty, booleans true/false."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        if frame.empty:
            frame.to_csv(fh, index=False)
            return
        for start, stop in _chunks(len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start:stop]
            bools = [c for c in chunk.columns if str(chunk[c].dtype) in ("bool", "boolean")]
            if bools:
                chunk = chunk.assign(
                    **{c: chunk[c].map({True: "true", False: "false"}) for c in bools}
                )
            chunk.to_csv(fh, index=False, header=start == 0, lineterminator="\n")
            if progress is not None:
                progress(stop / len(frame))


# SPSS and Stata. pyreadstat writes row by row through Python (a few microseconds per cell:
# ~150 s for 1M rows x 42 columns), so it writes only the file's dictionary here (variables,
# labels, value labels, missing ranges) from a two-row template; the rows are then encoded
# with numpy, chunk by chunk, into the fixed-width record layout that the template shows,
# after checking that our encoding of the template rows is byte for byte what pyreadstat
# wrote. If anything differs (another pyreadstat/readstat version, compression, very long
# strings), the whole frame is written by pyreadstat instead: slower, never different.

SAV_SYSMIS = -float(np.finfo(np.float64).max)  # SPSS system-missing
DTA_MISSING_DOUBLE = 2.0**1023  # Stata "." for a double
STAT_CHUNK_ROWS = 65_536
_DTA_DOUBLE = 65526
_DTA_STR_MAX = 2045


@dataclass(frozen=True)
class _StatColumn:
    """A column for SPSS/Stata: numbers as doubles (NaN = system missing) or text as codes
    into UTF-8 labels (-1 = missing, written as an empty string)."""

    name: str
    series: pd.Series
    codes: np.ndarray | None = None
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="S1"))  # UTF-8

    @property
    def numeric(self) -> bool:
        return self.codes is None

    @property
    def width(self) -> int:
        """Bytes of the longest text (at least 1), as pyreadstat counts them."""
        return max(1, int(self.labels.dtype.itemsize))

    def doubles(self, start: int, stop: int) -> np.ndarray:
        return self.series.iloc[start:stop].to_numpy(dtype=np.float64, na_value=np.nan)


def _stat_columns(frame: pd.DataFrame) -> list[_StatColumn]:
    out = []
    for name in frame.columns:
        s = frame[name]
        if not isinstance(s.dtype, pd.CategoricalDtype) and (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
        ):
            out.append(_StatColumn(str(name), s))
        else:
            cat = _as_categorical(s)
            labels = np.char.encode(np.asarray(cat.categories, dtype=str), "utf-8")
            out.append(_StatColumn(str(name), s, np.asarray(cat.codes), labels))
    return out


def _stat_frame(columns: Sequence[_StatColumn], rows: int | None = None) -> pd.DataFrame:
    """The frame pyreadstat is given: doubles and text (missing as ""). ``rows=None``: every
    row; otherwise the two-row template (longest text and a value; empty text and NaN)."""
    data: dict[str, Any] = {}
    for col in columns:
        if rows is None and col.numeric:
            data[col.name] = col.doubles(0, len(col.series))
        elif rows is None:
            text = np.append(np.char.decode(col.labels, "utf-8").astype(object), "")
            data[col.name] = text[col.codes]
        elif col.numeric:
            values = col.series.dropna()
            first = float(values.iloc[0]) if len(values) else 0.0
            data[col.name] = np.array([first, np.nan])
        else:
            lengths = np.char.str_len(col.labels)
            longest = col.labels[np.argmax(lengths)].decode("utf-8") if len(lengths) else ""
            data[col.name] = np.array([longest, ""], dtype=object)
    return pd.DataFrame(data)


@dataclass(frozen=True)
class _RowLayout:
    dtype: np.dtype[Any]
    texts: dict[int, np.ndarray]  # column index → encoded labels, missing last
    missing: float

    def encode(self, columns: Sequence[_StatColumn], start: int, stop: int) -> np.ndarray:
        rows = np.zeros(stop - start, dtype=self.dtype)
        for j, col in enumerate(columns):
            if col.numeric:
                x = col.doubles(start, stop)
                rows[f"f{j}"] = np.where(np.isnan(x), self.missing, x)
            else:
                assert col.codes is not None
                rows[f"f{j}"] = self.texts[j][col.codes[start:stop]]
        return rows


def _row_layout(
    columns: Sequence[_StatColumn], widths: Sequence[int], pad: bytes, missing: float
) -> _RowLayout:
    """Doubles for numbers, ``widths[j]`` bytes for text (padded with ``pad``), packed."""
    formats: list[str] = []
    offsets: list[int] = []
    texts: dict[int, np.ndarray] = {}
    at = 0
    for j, (col, width) in enumerate(zip(columns, widths, strict=True)):
        offsets.append(at)
        if col.numeric:
            formats.append("<f8")
            at += 8
        else:
            formats.append(f"S{width}")
            text = np.append(col.labels, b"").astype(f"S{width}")  # pads with NUL; "" last
            texts[j] = text if pad == b"\0" else np.char.ljust(text, width, pad)
            at += width
    dtype = np.dtype(
        {
            "names": [f"f{j}" for j in range(len(columns))],
            "formats": formats,
            "offsets": offsets,
            "itemsize": at,
        }
    )
    return _RowLayout(dtype, texts, missing)


def _template_rows(
    columns: Sequence[_StatColumn], widths: Sequence[int], pad: bytes, missing: float
) -> bytes:
    """Our encoding of the two template rows that pyreadstat was given."""
    frame = _stat_frame(columns, rows=2)
    probe = [
        _StatColumn(c.name, frame[c.name])
        if c.numeric
        else _StatColumn(
            c.name, frame[c.name], np.array([0, -1]), np.array([frame[c.name].iloc[0].encode()])
        )
        for c in columns
    ]
    return _row_layout(probe, widths, pad, missing).encode(probe, 0, 2).tobytes()


def _write_rows(
    fh: Any, layout: _RowLayout, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> None:
    for start, stop in _chunks(n, STAT_CHUNK_ROWS):
        fh.write(layout.encode(columns, start, stop).view(np.uint8))
        if progress is not None and n:
            progress(stop / n)


def _sav_records_end(raw: bytes) -> tuple[int, list[int]] | None:
    """Walk an uncompressed .sav dictionary: (offset of the first case, offsets of 64-bit case
    counts in extension records) or None if the layout is not the expected one."""
    at = 176
    counts: list[int] = []
    try:
        while True:
            (rec,) = struct.unpack_from("<i", raw, at)
            if rec == 2:
                has_label, n_missing = struct.unpack_from("<ii", raw, at + 8)
                at += 32
                if has_label:
                    (length,) = struct.unpack_from("<i", raw, at)
                    at += 4 + (length + 3) // 4 * 4
                at += abs(n_missing) * 8
            elif rec == 3:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8
                for _ in range(count):
                    at += 8 + (raw[at + 8] + 8) // 8 * 8
            elif rec == 4:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8 + 4 * count
            elif rec == 6:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8 + 80 * count
            elif rec == 7:
                subtype, size, count = struct.unpack_from("<iii", raw, at + 4)
                if subtype == 16 and size == 8 and count == 2:
                    counts.append(at + 24)
                at += 16 + size * count
            elif rec == 999:
                return at + 8, counts
            else:
                return None
    except (struct.error, IndexError):
        return None


def _sav_fill(
    path: Path, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> bool:
    """Replace the two template cases of the .sav at ``path`` by all ``n`` rows."""
    raw = path.read_bytes()
    if len(raw) < 176 or raw[:4] != b"$FL2" or n > 2**31 - 1:
        return False
    layout_code, units, compression = struct.unpack_from("<iii", raw, 64)
    (cases,) = struct.unpack_from("<i", raw, 80)
    if (layout_code, compression, cases) != (2, 0, 2):
        return False
    widths = [0 if c.numeric else (c.width + 7) // 8 * 8 for c in columns]
    if any(w > 255 for w in widths):  # very long strings are split in segments: not handled
        return False
    layout = _row_layout(columns, widths, b" ", SAV_SYSMIS)
    found = _sav_records_end(raw)
    if found is None or layout.dtype.itemsize != 8 * units:
        return False
    start, counts = found
    if raw[start:] != _template_rows(columns, widths, b" ", SAV_SYSMIS):
        return False
    with path.open("r+b") as fh:
        fh.seek(80)
        fh.write(struct.pack("<i", n))
        for at in counts:
            if struct.unpack_from("<q", raw, at)[0] == 2:
                fh.seek(at)
                fh.write(struct.pack("<q", n))
        fh.seek(start)
        fh.truncate()
        _write_rows(fh, layout, columns, n, progress)
    return True


def _dta_fill(
    path: Path, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> bool:
    """Replace the two template observations of the .dta (format 117–119) at ``path`` by all
    ``n`` rows, moving the sections after the data and their offsets in the map."""
    raw = path.read_bytes()
    try:
        if not raw.startswith(b"<stata_dta><header><release>11"):
            return False
        if b"<byteorder>LSF</byteorder>" not in raw[:100]:
            return False
        n_at = raw.index(b"<N>", raw.index(b"<K>")) + 3
        n_size = raw.index(b"</N>", n_at) - n_at
        if int.from_bytes(raw[n_at : n_at + n_size], "little") != 2 or n >= 256**n_size:
            return False
        map_at = raw.index(b"<map>") + 5
        offsets = list(struct.unpack_from("<14Q", raw, map_at))
        types_at = offsets[2] + len(b"<variable_types>")
        types = struct.unpack_from(f"<{len(columns)}H", raw, types_at)
        data_at, after = offsets[9] + len(b"<data>"), offsets[10] - len(b"</data>")
        if raw[offsets[9] : data_at] != b"<data>" or raw[after : offsets[10]] != b"</data>":
            return False
    except (ValueError, struct.error):
        return False
    widths = [0 if c.numeric else c.width for c in columns]
    expected = tuple(_DTA_DOUBLE if c.numeric else w for c, w in zip(columns, widths, strict=True))
    if types != expected or any(w >= _DTA_STR_MAX for w in widths):
        return False
    layout = _row_layout(columns, widths, b"\0", DTA_MISSING_DOUBLE)
    if raw[data_at:after] != _template_rows(columns, widths, b"\0", DTA_MISSING_DOUBLE):
        return False
    shift = (n - 2) * layout.dtype.itemsize
    offsets[10:] = [o + shift for o in offsets[10:]]
    head = bytearray(raw[:data_at])
    head[n_at : n_at + n_size] = n.to_bytes(n_size, "little")
    struct.pack_into("<14Q", head, map_at, *offsets)
    with path.open("wb") as fh:
        fh.write(head)
        _write_rows(fh, layout, columns, n, progress)
        fh.write(raw[after:])
    return True


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


def _sav_write(
    dataset: BuiltDataset, path: Path, progress: Progress | None = None, *, fast: bool = True
) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, max_len=None)
    columns = _stat_columns(dataset.frame)
    missing: dict[str, list[int | float | str | Any]] = {
        v["name"]: [DONT_KNOW_CODE] for v in _variables(dataset) if v.get("missing_values")
    }
    options: dict[str, Any] = {
        "column_labels": [labels.get(c.name, c.name) for c in columns],
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "file_label": str(dataset.codebook.get("title_sv", ""))[:64],
        "row_compress": False,
    }
    if fast:
        pyreadstat.write_sav(_stat_frame(columns, rows=2), str(path), **options)
        if _sav_fill(path, columns, len(dataset.frame), progress):
            return
    pyreadstat.write_sav(_stat_frame(columns), str(path), **options)


def _dta_write(
    dataset: BuiltDataset, path: Path, progress: Progress | None = None, *, fast: bool = True
) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, max_len=STATA_LABEL_MAX)
    columns = _stat_columns(dataset.frame)
    options: dict[str, Any] = {
        "column_labels": [labels.get(c.name, c.name) for c in columns],
        "variable_value_labels": value_labels,
        "file_label": str(dataset.codebook.get("title_en", ""))[:80],
    }
    if fast:
        pyreadstat.write_dta(_stat_frame(columns, rows=2), str(path), **options)
        if _dta_fill(path, columns, len(dataset.frame), progress):
            return
    pyreadstat.write_dta(_stat_frame(columns), str(path), **options)


PARQUET_ROW_GROUP_ROWS = 262_144


def _parquet_write(dataset: BuiltDataset, path: Path, progress: Progress | None = None) -> None:
    """Row group by row group: only one group is converted to Arrow at a time. Text columns
    stay dictionary-encoded (categorical when read back with pandas), each group carrying only
    the categories it uses (pseudonyms would otherwise repeat every category in every group)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = dataset.frame
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    meta = dict(schema.metadata or {})
    meta[b"nns_codebook"] = json.dumps(dataset.codebook, ensure_ascii=False).encode("utf-8")
    schema = schema.with_metadata(meta)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    with pq.ParquetWriter(path, schema) as writer:
        for start, stop in _chunks(len(frame), PARQUET_ROW_GROUP_ROWS):
            chunk = frame.iloc[start:stop]
            chunk = chunk.assign(**{c: _used_categories(chunk[c].array) for c in categorical})
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            if progress is not None and len(frame):
                progress(stop / len(frame))


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


def dataset_write(
    *,
    dataset: BuiltDataset,
    fmt: str,
    directory: Path | str,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``dataset`` as ``fmt`` ("csv", "xlsx", "sav", "dta" or "parquet") into
    ``directory`` (created if needed), with ``datapackage.json`` and ``codebook.html``.

    csv: ``data.csv`` (UTF-8, missing = empty, booleans true/false) and ``labels.csv``;
    xlsx: ``data.xlsx`` with sheets "data" and "labels"; sav: ``data.sav`` with Swedish
    variable and value labels and -9 user-missing; dta: ``data.dta`` with labels cut to 80
    characters; parquet: ``data.parquet`` (codebook JSON in the schema metadata).
    Returns the written paths, data file first.

    csv, parquet, sav and dta are written in chunks of rows, calling ``progress`` with the
    share of rows written (0–1) after each; xlsx is written whole (openpyxl), then reported.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data_path = out / f"data.{fmt}"
    written = [data_path]
    labels_name: str | None = None
    if fmt == "csv":
        _csv_write(dataset.frame, data_path, progress)
        labels_path = out / "labels.csv"
        _csv_write(_labels_frame(dataset), labels_path)
        written.append(labels_path)
        labels_name = labels_path.name
    elif fmt == "xlsx":
        _xlsx_write(dataset, data_path)
        if progress is not None:
            progress(1.0)
    elif fmt == "sav":
        _sav_write(dataset, data_path, progress)
    elif fmt == "dta":
        _dta_write(dataset, data_path, progress)
    else:
        _parquet_write(dataset, data_path, progress)
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
