"""Columns as pandas Categoricals (str categories): conversions, takes and recodings that run
per category, never per row. Pure: no Django."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stats.disclosure import categorical_from_labels, categorical_recode


def used_categories(cat: pd.Categorical) -> pd.Categorical:
    """``cat`` without unused categories (one bincount; pandas' own version sorts the codes)."""
    codes = np.asarray(cat.codes)
    used = np.bincount(codes[codes >= 0], minlength=len(cat.categories)) > 0
    if used.all():
        return cat
    remap = np.full(len(used) + 1, -1, dtype=np.int32)
    remap[:-1][used] = np.arange(int(used.sum()))
    return pd.Categorical.from_codes(remap[codes], categories=cat.categories[used])


def as_categorical(values: pd.Series) -> pd.Categorical:
    """A string-like column (object, str or category) as a Categorical of str categories
    (sorted, unless the column was categorical already)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = used_categories(values.array)
        if pd.api.types.infer_dtype(cat.categories, skipna=True) == "string":
            return cat
        return categorical_recode(cat, str)
    codes, uniques = pd.factorize(values)
    if pd.api.types.infer_dtype(uniques, skipna=True) != "string":
        return categorical_from_labels(codes, [str(u) for u in uniques])
    # Sort the categories in C (Arrow strings), not by Python comparisons of objects.
    order = pd.Index(uniques, dtype="str").argsort()
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order], rank[-1] = np.arange(len(order)), -1  # code -1 stays missing
    categories = pd.Index(np.asarray(uniques, dtype=object)[order], dtype=object)
    return pd.Categorical.from_codes(rank[codes], categories=categories)


def month_labels(values: pd.Series) -> pd.Categorical:
    """Dates (datetime, Timestamp objects, categorical or text) as "YYYY-MM" categories."""
    codes, uniques = pd.factorize(values)
    months = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)))
    text = months.dt.strftime("%Y-%m")
    return categorical_from_labels(codes, [None if pd.isna(t) else t for t in text])


def take(cat: pd.Categorical, pos: np.ndarray) -> pd.Categorical:
    """Rows ``pos`` of ``cat``; -1 gives missing."""
    if len(cat) == 0:
        codes = np.full(len(pos), -1, dtype=np.int32)
    else:
        codes = np.where(pos >= 0, cat.codes[pos], -1)
    return pd.Categorical.from_codes(codes, categories=cat.categories)
