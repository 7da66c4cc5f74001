"""The released frame as each kind of format needs it: missing values and coded categoricals.

The built frame codes every answer row: 1–5, -9 don't know, -8 not answered; NA where the
questionnaire had no row for the item (not on its form). So that a naive mean in any tool is
the mean of real answers:

* text formats (csv, xlsx, parquet): -9 and -8 become empty / null, and a reason column
  ``<item>_missing`` (dont_know, not_answered, not_asked; empty when answered) says why;
* SPSS: -9 and -8 stay, declared user-missing with value labels (the reason is the value);
* Stata: -9 becomes ``.a`` and -8 ``.b`` (extended missing, labelled), not asked ``.``.

In .sav and .dta the categoricals (gender, county, form, …) are written as numbers with value
labels (:data:`national.datasets.codebook.CODED_KINDS`). Vectorised; no copies of the columns
that do not change. Pure: no Django.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from national.datasets.codebook import REASON_SUFFIX, codebook_variables
from national.datasets.spec import DONT_KNOW_CODE, NOT_ANSWERED_CODE, BuiltDataset

REASONS = ("dont_know", "not_answered", "not_asked")


def answer_columns(dataset: BuiltDataset) -> list[str]:
    """The columns holding answers (items in wide, ``value`` in long)."""
    return [v["name"] for v in codebook_variables(dataset) if v.get("missing_values")]


def reason_codes(values: pd.Series) -> pd.Categorical:
    """Why each value of an answer column is missing (-1 code: it is not)."""
    arr = values.array
    raw = np.asarray(arr.to_numpy(dtype=np.int16, na_value=0))
    na = np.asarray(pd.isna(arr))
    codes = np.full(len(raw), -1, dtype=np.int8)
    codes[raw == DONT_KNOW_CODE] = 0
    codes[raw == NOT_ANSWERED_CODE] = 1
    codes[na] = 2
    return pd.Categorical.from_codes(codes, categories=pd.Index(REASONS, dtype=object))


def without_codes(values: pd.Series) -> pd.arrays.IntegerArray:
    """An answer column with the missing codes as NA (same dtype)."""
    arr = values.array
    raw = np.asarray(arr.to_numpy(dtype=np.int16, na_value=0)).astype(values.dtype.numpy_dtype)
    mask = np.asarray(pd.isna(arr)) | (raw < 0)
    return pd.arrays.IntegerArray(raw, mask)


def text_frame(dataset: BuiltDataset) -> pd.DataFrame:
    """The frame for csv, xlsx and parquet: answers with nulls, reason columns at the end."""
    frame = dataset.frame
    answers = answer_columns(dataset)
    columns: dict[str, Any] = {c: frame[c].array for c in frame.columns}
    for name in answers:
        columns[name] = without_codes(frame[name])
    for name in answers:
        columns[f"{name}{REASON_SUFFIX}"] = reason_codes(frame[name])
    return pd.DataFrame(columns, copy=False)


def stat_frame(dataset: BuiltDataset) -> pd.DataFrame:
    """The frame for .sav and .dta: categoricals as their numeric codes (Int16, NA missing),
    answers with their codes -9 / -8 (each writer declares them missing its own way)."""
    frame = dataset.frame
    columns: dict[str, Any] = {c: frame[c].array for c in frame.columns}
    for v in codebook_variables(dataset):
        numbers = v.get("numeric_codes")
        if numbers is None:
            continue
        cat = frame[v["name"]].astype("category").array
        lookup = np.array([numbers.get(str(c), 0) for c in cat.categories] + [0], dtype=np.int16)
        codes = np.asarray(cat.codes)
        columns[v["name"]] = pd.arrays.IntegerArray(lookup[codes], codes < 0)
    return pd.DataFrame(columns, copy=False)
