"""Build a disclosure-controlled researcher dataset from a snapshot's pooled frames.

:func:`dataset_build` selects items and periods, lays the data out ``wide`` (one row per
questionnaire) or ``long`` (one row per answer), links register outcomes by pseudonym,
optionally replaces association slugs by codes A01, A02, … (sorted by slug; the mapping never
leaves this module) and applies disclosure control (:mod:`national.datasets.anonymise`)
*before* anything is returned. The pseudonym is used inside (persons counted, outcomes
linked) and released only with a person link, re-keyed for the release; then disclosure
control protects each person's trajectory as well.

Vectorised (``bench/bench_export.py``: 1M questionnaires, 3.8M answers): answers become
integer arrays, questionnaire contexts Categoricals, recodings run per category and
k-anonymity is counted on one integer key per questionnaire; the wide layout is one scatter
into an items × questionnaires Int16 block. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from national.datasets.anonymise import (
    PERSON,
    disclosure_control,
    pseudonyms_rekeyed,
    release_order,
)
from national.datasets.codebook import codebook_build
from national.datasets.columns import as_categorical, month_labels, take
from national.datasets.spec import (
    CONTEXT_COLUMNS,
    DONT_KNOW_CODE,
    NOT_ANSWERED_CODE,
    OUTCOME_COLUMNS,
    BuiltDataset,
    DatasetSpec,
    instrument_items,
)
from stats.disclosure import categorical_recode


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


def _outcome_columns(outcomes: pd.DataFrame, pseudonyms: pd.Categorical) -> dict[str, Any]:
    """Register outcomes for each row's pseudonym (first outcome row per pseudonym); rows
    without a pseudonym or outcome row get missing values. Joined before disclosure control:
    exit outcome and exit month are quasi-identifiers."""
    has = np.flatnonzero(outcomes["pseudonym"].notna().to_numpy())
    keys = pd.Series(np.asarray(outcomes["pseudonym"].take(has), dtype=object), dtype="str")
    once = ~keys.duplicated().to_numpy()
    has = has[once]
    index = pd.Index(keys[once], dtype="str")
    at_category = index.get_indexer(pd.Index(pseudonyms.categories, dtype="str"))
    codes = pseudonyms.codes
    pos = at_category[codes] if len(at_category) else np.full(len(codes), -1)
    pos = np.where(codes >= 0, pos, -1)
    exit_month = month_labels(outcomes["exit_month"].take(has))
    work = outcomes["subsidised_work"].take(has).astype("boolean").array
    work_values = work.to_numpy(dtype=bool, na_value=False)
    work_missing = np.asarray(work.isna())
    if len(has):
        work_values, work_missing = work_values[pos], work_missing[pos] | (pos < 0)
    else:
        work_values, work_missing = np.zeros(len(pos), bool), np.ones(len(pos), bool)
    return {
        "exit_outcome": take(as_categorical(outcomes["exit_outcome"].take(has)), pos),
        "subsidised_work": pd.arrays.BooleanArray(work_values, work_missing),
        "exit_month": take(exit_month, pos),
    }


def dataset_build(
    *,
    answers: pd.DataFrame,
    outcomes: pd.DataFrame,
    instrument: Mapping[str, Any],
    spec: DatasetSpec,
) -> BuiltDataset:
    """Build a disclosure-controlled researcher dataset from a snapshot's pooled frames.

    ``answers`` / ``outcomes``: as returned by ``national.pooling.snapshot_frames`` (text
    columns may be object, str or categorical). ``instrument``: the instrument YAML as a dict
    (items, statements, scale, forms). ``spec``: the selection, layout, association coding and
    disclosure parameters.

    Returns a :class:`BuiltDataset` whose frame has no equivalence class of fewer than
    ``spec.k`` persons on ``spec.quasi_identifiers`` (after any generalisation). With
    ``spec.person_link`` no person's set of classes (trajectory) is held by fewer than k
    persons and the pseudonym is this release's; without it the frame has no pseudonym
    column. With ``spec.pseudonym_key`` the rows are shuffled and numbered 1..n. Text
    columns of the frame are Categoricals (str categories), ``response`` int64, items (wide)
    and ``value`` (long) Int16, ``subsidised_work`` boolean.

    Vectorised throughout: answers are reduced to integer arrays (row positions, item codes,
    values), the questionnaire contexts to Categoricals; Python runs per category, never per
    row; the long→wide pivot is one scatter into an items × questionnaires Int16 block.
    """
    items = instrument_items(instrument)
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
        contexts[col] = month_labels(values) if col == "period" else as_categorical(values)
    if spec.association_codes == "coded":
        coding = _association_codes(
            [*pd.unique(answers["association"]), *pd.unique(outcomes["association"])]
        )
        contexts["association"] = categorical_recode(
            contexts["association"].array, lambda v: coding.get(str(v))
        )

    for col, values in _outcome_columns(outcomes, contexts["pseudonym"].array).items():
        contexts[col] = values

    released, changes, applied = disclosure_control(
        contexts, spec.quasi_identifiers, spec.k, trajectories=spec.person_link
    )
    if spec.pseudonym_key is not None:  # a release's rows: shuffled and numbered anew
        released = released.iloc[release_order(len(released), spec.pseudonym_key)]
        released = released.assign(response=np.arange(1, len(released) + 1, dtype=np.int64))
    # Row of each questionnaire in ``released`` (-1: suppressed), by group number.
    released_at = np.full(len(contexts), -1, dtype=np.int64)
    n = len(released)
    released_at[released.index.to_numpy()] = np.arange(n)
    released = released.reset_index(drop=True)
    columns: dict[str, Any] = {c: released[c].array for c in (*CONTEXT_COLUMNS, *OUTCOME_COLUMNS)}
    if spec.person_link:
        assert spec.pseudonym_key is not None
        columns[PERSON] = pseudonyms_rekeyed(columns[PERSON], spec.pseudonym_key)
    else:
        del columns[PERSON]  # no link between a person's rows, in any format

    # Answers of the released questionnaires: row position in ``released`` per answer.
    pos = released_at[group]
    inside = pos >= 0
    answer_rows, pos, item = rows[inside], pos[inside], item[inside]
    del rows, response, group, inside
    value = answers["value"].to_numpy(dtype=np.float64, na_value=np.nan)[answer_rows]
    dont_know = answers["dont_know"].to_numpy(dtype=bool, na_value=False)[answer_rows]
    del answer_rows
    # Every answer row is coded: 1–5, don't know (-9) or not answered (-8); a questionnaire
    # without a row for an item (not on its form) stays NA. Writers map the codes to each
    # format's missing values (:mod:`national.datasets.missing`).
    skipped = np.isnan(value) & ~dont_know
    coded = np.where(
        dont_know, DONT_KNOW_CODE, np.where(skipped, NOT_ANSWERED_CODE, np.nan_to_num(value))
    ).astype(np.int16)
    missing = np.zeros(len(coded), dtype=bool)

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
    codebook = codebook_build(
        instrument=instrument,
        items=[it for it in items if it.code in set(selected)],
        item_columns=item_columns,
        frame=frame,
        spec=spec,
        changes=changes,
        applied=[(g.column, g.description) for g in applied],
    )
    return BuiltDataset(frame=frame, changes=changes, codebook=codebook)
