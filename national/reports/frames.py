"""Frames prepared once per snapshot and shared by every report: answers with values,
points and half-years, pseudonym codes, exits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.inputs import (
    EXIT_OUTCOMES,
    GENDERS,
    UNKNOWN_GENDER,
    PooledSnapshot,
    half_year,
)


def as_objects(series: pd.Series) -> pd.Series:
    """The column as an object Series (missing = None), without pandas' string inference
    (which costs more than the rest of the preparation); categoricals via their codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = np.array([*series.cat.categories, None], dtype=object)
        values = categories[series.cat.codes.to_numpy()]
    else:
        values = series.to_numpy(dtype=object, na_value=None)
    return pd.Series(values, index=series.index, dtype=object)


def memoised(snapshot: PooledSnapshot, name: str, build: Any) -> Any:
    """Prepared frames are built once per snapshot and shared by every report."""
    if name not in snapshot.memo:
        snapshot.memo[name] = build(snapshot)
    return snapshot.memo[name]


def prepared_answers(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Answers with ``x`` (float value, NaN for don't know / missing), ``point`` and ``period``.
    Built once per snapshot: callers must not modify it."""
    return memoised(snapshot, "answers", _answers_build)


def _answers_build(snapshot: PooledSnapshot) -> pd.DataFrame:
    a = snapshot.answers
    inst = snapshot.instrument
    item = recoded(a["item_code"])
    pseudonym = pseudonym_codes(snapshot).answers
    keep = item.isin(list(inst.item_point)).to_numpy()
    if not keep.all():
        a, pseudonym = a.loc[keep], pseudonym[keep]
        item = recoded(item.loc[keep])
    x = (
        pd.to_numeric(a["value"], errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=np.float64, na_value=np.nan)
    )
    x = np.where(a["dont_know"].fillna(False).to_numpy(dtype=bool), np.nan, x)
    month = pd.to_datetime(a["period"])
    # a version-only item (docs/stats.md, "Instrument versions") belongs to no pooled point: 0
    point = recoded(
        item, lambda code: 0 if str(code) in inst.version_only else inst.item_point.get(str(code))
    )
    # grouping and filter keys as categoricals with sorted categories: groupby and comparisons
    # work on integer codes, and groups come out in the strings' order
    out = pd.DataFrame(
        {
            "association": recoded(a["association"]).array,
            "response": a["response"].to_numpy(),
            "pseudonym": pseudonym,
            "form_code": recoded(a["form_code"]).array,
            "occasion": recoded(a["occasion"]).array,
            "respondent": recoded(a["respondent"]).array,
            "instrument_version": recoded(a["instrument_version"]).array,
            "gender": recoded(a["gender"], _gender_label).array,
            "month": month.to_numpy(),
            "item_code": item.array,
            "x": x,
        },
    )
    out["point"] = point.astype(np.int64).to_numpy()
    out["period"] = recoded(half_year(month)).array
    return out


@dataclass(frozen=True)
class PseudonymCodes:
    """Pseudonyms as integer codes shared by the answers and the exits (-1 = none): matching
    and grouping on integers instead of 3·10⁶ strings. ``index`` holds the answers' distinct
    pseudonyms (code i = index[i]); exits whose pseudonym never answered get codes after it."""

    index: pd.Index
    answers: NDArray[np.int64]
    exits: NDArray[np.int64]


def pseudonym_codes(snapshot: PooledSnapshot) -> PseudonymCodes:
    return memoised(snapshot, "pseudonyms", _pseudonyms_build)


def _pseudonyms_build(snapshot: PooledSnapshot) -> PseudonymCodes:
    # Codes follow the sorted pseudonyms whatever the input's dtype, so every grouping (and
    # every floating-point sum over groups) runs in the same order.
    column = snapshot.answers["pseudonym"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray(column.cat.categories, dtype=object)
        order = np.argsort(categories, kind="stable")
        rank = np.empty(len(order) + 1, dtype=np.int64)
        rank[order], rank[-1] = np.arange(len(order)), -1  # code -1 (none) stays -1
        codes = rank[column.cat.codes.to_numpy()]
        index = pd.Index(categories[order], dtype=object)
    else:
        raw, uniques = pd.factorize(column.to_numpy(dtype=object, na_value=None), sort=True)
        codes, index = raw.astype(np.int64), pd.Index(np.asarray(uniques, dtype=object))
    outcomes = snapshot.outcomes
    if "pseudonym" not in outcomes or not len(outcomes):
        return PseudonymCodes(index, codes, np.empty(0, dtype=np.int64))
    values = outcomes["pseudonym"].to_numpy(dtype=object, na_value=None)
    exits = index.get_indexer(values).astype(np.int64)
    unmatched = (exits < 0) & pd.notna(values)
    if unmatched.any():
        extra, _uniques = pd.factorize(values[unmatched])
        exits[unmatched] = len(index) + extra
    return PseudonymCodes(index, codes, exits)


def form_answers(snapshot: PooledSnapshot, form: str, keys: list[str]) -> pd.DataFrame:
    """One form's answers (response, item_code, x and ``keys``)."""
    return answers_where(snapshot, "form_code", [form], ["response", "item_code", "x", *keys])


def answers_where(
    snapshot: PooledSnapshot, column: str, values: Iterable[str], columns: list[str]
) -> pd.DataFrame:
    """``columns`` of the answers whose categorical ``column`` is one of ``values``, in frame
    order: taken by row index from a once-sorted order instead of a full-frame mask."""
    ans = prepared_answers(snapshot)
    order, bounds = memoised(snapshot, f"rows_by_{column}", lambda s: _rows_by(s, column))
    parts = [order[slice(*bounds[v])] for v in values if v in bounds]
    idx = np.sort(np.concatenate(parts)) if parts else order[:0]
    return pd.DataFrame({c: ans[c].array.take(idx) for c in columns})


def _rows_by(
    snapshot: PooledSnapshot, column: str
) -> tuple[NDArray[np.int64], dict[str, tuple[int, int]]]:
    """The answers' row numbers sorted by a categorical or integer column (stably: frame order
    within a value) and each value's slice of them, keyed by the value as text."""
    column_values = prepared_answers(snapshot)[column].array
    if isinstance(column_values, pd.Categorical):
        codes = np.asarray(column_values.codes)
        labels = list(column_values.categories)
    else:
        uniques, codes = np.unique(np.asarray(column_values), return_inverse=True)
        labels = list(uniques)
    order, slices = _code_slices(np.asarray(codes, dtype=np.int64), len(labels))
    return order, {str(labels[c]): bounds for c, bounds in slices.items()}


def _code_slices(
    codes: NDArray[np.int64], n_codes: int
) -> tuple[NDArray[np.int64], dict[int, tuple[int, int]]]:
    """Row numbers sorted stably by integer ``codes`` (0..n_codes-1, -1 = missing, first) and
    each code's (start, end) in them, for the codes that occur."""
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes[codes >= 0], minlength=n_codes)
    ends = np.cumsum(counts) + int((codes < 0).sum())  # missing (-1) sorts first
    return order, {int(c): (int(ends[c] - counts[c]), int(ends[c])) for c in range(n_codes)}


def _gender_label(value: object) -> str:
    return str(value) if value in GENDERS else UNKNOWN_GENDER


def recoded(series: pd.Series, label: Any = None) -> pd.Series:
    """The column as a categorical with sorted categories (only those that occur), each value
    passed through ``label`` first if given (``label(None)`` for missing values). Works on the
    distinct values, not per row."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.array
    else:
        cat = pd.Categorical(series.to_numpy(dtype=object, na_value=None))
    codes = np.asarray(cat.codes)
    values = [*cat.categories, None]  # code -1 (missing) is the last
    if label is not None:
        values = [label(v) for v in values]
    # which codes occur, by counting (no sort); -1 counted in the last slot
    counts = np.bincount(codes.astype(np.int64) % len(values), minlength=len(values))
    present = counts > 0
    kept = sorted({v for v, p in zip(values, present, strict=True) if p and v is not None}, key=str)
    position = {v: i for i, v in enumerate(kept)}
    recode = np.array([-1 if v is None else position.get(v, -1) for v in values], dtype=np.int64)
    # object categories: pandas would store str ones in Arrow, slow to take from row by row
    dtype = pd.CategoricalDtype(pd.Index(kept, dtype=object))
    if np.array_equal(recode, np.r_[np.arange(len(values) - 1), -1]):
        # already sorted, all present and unlabelled: same codes, no per-row work
        new = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    else:
        new = pd.Categorical.from_codes(recode[codes], dtype=dtype, validate=False)
    return pd.Series(new, index=series.index, name=series.name)


def prepared_exits(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Exits with an outcome: association, pseudonym, period, outcome (subsidised = work).
    Built once per snapshot: callers must not modify it."""
    return memoised(snapshot, "exits", _exits_build)


def _exits_build(snapshot: PooledSnapshot) -> pd.DataFrame:
    o = snapshot.outcomes
    outcome = as_objects(o["exit_outcome"])
    subsidised = o["subsidised_work"].fillna(False).to_numpy(dtype=bool)
    outcome = outcome.where(~subsidised | outcome.isna() | (outcome == "still_in"), "work")
    month = pd.to_datetime(o["exit_month"])
    out = pd.DataFrame(
        {
            "association": as_objects(o["association"]),
            "pseudonym": pseudonym_codes(snapshot).exits,
            "outcome": pd.Series(outcome.to_numpy(dtype=object), dtype=object),
            "period": pd.Series(half_year(month).to_numpy(), dtype=object),
            "gender": pd.Series(
                recoded(o["gender"], _gender_label).to_numpy(dtype=object), dtype=object
            ),
        },
    )
    return out[out["outcome"].isin(EXIT_OUTCOMES) & month.notna().to_numpy()].reset_index(drop=True)


def answer_codes(snapshot: PooledSnapshot, column: str) -> tuple[NDArray[np.int64], list[str]]:
    """The answers' ``column`` as integer codes (-1 = missing) and the codes' labels as text,
    once per snapshot: comparisons and groupings on integers, never per-row strings."""

    def build(s: PooledSnapshot) -> tuple[NDArray[np.int64], list[str]]:
        col = s.answers[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            return col.cat.codes.to_numpy(np.int64), [str(c) for c in col.cat.categories]
        codes, uniques = pd.factorize(col.to_numpy(dtype=object, na_value=None))
        return codes.astype(np.int64), [str(u) for u in uniques]

    return memoised(snapshot, f"codes_{column}", build)


def answer_values(snapshot: PooledSnapshot) -> NDArray[np.float64]:
    """The answers' values as floats (NaN = no value), once per snapshot."""
    return memoised(
        snapshot,
        "values",
        lambda s: (
            pd.to_numeric(s.answers["value"])
            .astype("Float64")
            .to_numpy(np.float64, na_value=np.nan)
        ),
    )


def version_form_rows(snapshot: PooledSnapshot) -> dict[tuple[str, str], NDArray[np.int64]]:
    """Row numbers (in frame order) of each version x form's answers, once per snapshot."""

    def build(s: PooledSnapshot) -> dict[tuple[str, str], NDArray[np.int64]]:
        vc, vl = answer_codes(s, "instrument_version")
        fc, fl = answer_codes(s, "form_code")
        key = np.where((vc >= 0) & (fc >= 0), vc * len(fl) + fc, -1)
        order, slices = _code_slices(key, len(vl) * len(fl))
        return {
            (vl[k // len(fl)], fl[k % len(fl)]): order[start:end]
            for k, (start, end) in slices.items()
            if end > start
        }

    return memoised(snapshot, "rows_by_version_form", build)
