"""Grouped sufficient statistics for item sets: one pass over the rows, one Gram matrix per group.

Everything the reliability formulas need is a sum over rows, so a group's statistics are a few
k x k matrices. Rows are sorted by group once; each group's block is a contiguous slice, and the
item cross-products come from one BLAS ``X.T @ X`` per group. Missing cells are zero-filled, and
the pairwise corrections (how many rows, and which sums, each pair really shares) come from the
rows that have a missing cell, not from a second pass over all rows.

Two paths give the same sums. Answers that are small integers (any Likert scale) take the fast
path: one pass turns them into one byte per cell, the bytes are sorted by group, and every sum is
a float32 BLAS product on blocks small enough that float32 sums of these integers are exact; the
pairwise corrections are products with the sparse missing-indicator matrix, and the category
counts come from byte compares. Any other data take the float64 path.

Missing-data rules
------------------
``pairwise`` (R ``cov(use="pairwise")``, the psych default): each covariance uses the rows where
both items are answered, with means taken over those same rows; an item's variance and mean use
every row where that item is answered.
``listwise`` (SPSS, jamovi, ``use="complete.obs"``): only rows with every item answered are used.
Category counts and the missing share are descriptive and always use every row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats._blas import single_threaded_blas
from stats._float_moments import _adf_alpha_var, _float_moments, _power_sums
from stats._int_moments import _small_int_moments
from stats._moments_base import (
    FloatArray,
    GroupedMoments,
    IntArray,
    Missing,
    _counts_from_power_sums,
    _resolve_categories,
    group_sort,
)

__all__ = [
    "FloatArray",
    "GroupedMoments",
    "IntArray",
    "Missing",
    "_adf_alpha_var",
    "_counts_from_power_sums",
    "_float_moments",
    "_power_sums",
    "_resolve_categories",
    "_small_int_moments",
    "group_sort",
    "moments_grouped",
]


def moments_grouped(
    values: NDArray[np.floating],
    codes: NDArray[np.integer] | None = None,
    n_groups: int | None = None,
    *,
    missing: Missing = "pairwise",
    categories: ArrayLike | None = None,
) -> GroupedMoments:
    """Compute :class:`GroupedMoments` for an (n, k) array with NaN for missing answers.

    ``codes`` are group numbers 0..G-1 per row (None: one group). ``categories`` are the integer
    scale points (e.g. 1..5, at most 7 of them); None infers min..max when the data are integers
    on 2..7 points, otherwise category counts are skipped (None).

    Cost for integer answers on a small scale: one pass over the values (in cache-sized chunks)
    into one byte per cell, one sort of those bytes by group, then per group float32 BLAS
    products (Gram matrix, and for rows with a missing cell the pairwise corrections) and a few
    elementwise steps on cache-resident blocks. Other data: one sorted float64 copy and one Gram
    matrix per group.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("values must be a 2-D (rows x items) array")
    if missing not in ("pairwise", "listwise"):
        raise ValueError("missing must be 'pairwise' or 'listwise'")
    n_rows_total = x.shape[0]
    if codes is None:
        codes = np.zeros(n_rows_total, dtype=np.int64)
        n_groups = 1
    codes = np.asarray(codes)
    if n_groups is None:
        n_groups = int(codes.max()) + 1 if codes.size else 0
    with single_threaded_blas():
        fast = _small_int_moments(x, codes, n_groups, missing, categories)
        if fast is not None:
            return fast
        return _float_moments(x, codes, n_groups, missing, categories)
