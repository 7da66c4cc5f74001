"""Types shared by the two moment paths: :class:`GroupedMoments`, the group sort and the
category-count solve (see :mod:`stats.moments`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

Missing = Literal["pairwise", "listwise"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_T = TypeVar("_T")
_F = TypeVar("_F", np.float32, np.float64)


@dataclass(frozen=True)
class GroupedMoments:
    """Sums over rows, per group (leading axis G), for k items.

    Item values are shifted by the scalar ``shift`` before summing (keeps the sums small and,
    for integer data with an integer shift, exact). Covariances and correlations do not depend
    on the shift; means add it back.

    ``n[g, j, l]``  rows where items j and l are both answered (diagonal: item j answered)
    ``s[g, j, l]``  sum of x_j over those rows
    ``q[g, j, l]``  sum of x_j * x_l over those rows
    ``q2[g, j, l]`` sum of x_j ** 2 over those rows
    ``t_*``         sums involving the row mean of answered items T (psych's ``total``)
    ``counts``      answers per category (G, k, C), or None when the data are not on the scale
    """

    missing: Missing
    shift: float
    n_rows: IntArray
    n_any: IntArray
    n_complete: IntArray
    n: FloatArray
    s: FloatArray
    q: FloatArray
    q2: FloatArray
    t_sum: FloatArray  # (G,) sum of T over used rows
    t_sumsq: FloatArray  # (G,) sum of T^2 over used rows
    t_n: FloatArray  # (G,) rows with a defined T among used rows
    t_s: FloatArray  # (G, k) sum of T over rows where item j is used
    t_q: FloatArray  # (G, k) sum of T^2 over rows where item j is used
    t_x: FloatArray  # (G, k) sum of T * x_j over rows where item j is used
    counts: FloatArray | None
    categories: FloatArray | None
    adf_var: FloatArray  # (G,) ADF variance of raw alpha (complete rows), NaN if too few

    def cov(self) -> FloatArray:
        """Covariance matrices (G, k, k) under the moments' missing-data rule (n - 1 divisor)."""
        n = self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (self.q - self.s * np.swapaxes(self.s, -1, -2) / n) / (n - 1)
        return c

    def means(self) -> FloatArray:
        """Item means (G, k) over the rows where the item is used."""
        d = np.diagonal(self.n, axis1=-2, axis2=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diagonal(self.s, axis1=-2, axis2=-1) / d + self.shift


def group_sort(codes: NDArray[np.integer], n_groups: int) -> tuple[IntArray | None, IntArray]:
    """Stable order that makes each group contiguous, and the group boundaries (G + 1,).

    Returns ``None`` for the order when the codes are already sorted (no copy needed).
    Small code ranges use numpy's radix sort (int16), which is linear in n.
    """
    codes = np.asarray(codes)
    counts = np.bincount(codes, minlength=n_groups).astype(np.int64)
    starts = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    if codes.size < 2 or bool(np.all(codes[1:] >= codes[:-1])):
        return None, starts
    small = codes.astype(np.int16) if n_groups < 32_000 else codes
    return np.argsort(small, kind="stable").astype(np.int64), starts


def _counts_from_power_sums(power: FloatArray, cats: FloatArray) -> FloatArray | None:
    """Answers per category from power sums S_p = sum x^p, p = 0..C-1 (last axis).

    On C known scale points the counts solve the Vandermonde system V n = S, V[p, c] = cat_c^p.
    The sums are exact integers for integer data, so the solution is rounded; a solution that is
    not a non-negative integer means some value is not a scale point.
    """
    c = cats.size
    v = cats[None, :] ** np.arange(c)[:, None]
    sol = np.linalg.solve(v, power.reshape(-1, c).T).T.reshape(power.shape)
    rounded = np.round(sol)
    if np.any(np.abs(sol - rounded) > 1e-6 * np.maximum(1.0, np.abs(sol))) or np.any(rounded < 0):
        return None
    return np.asarray(rounded)


def _resolve_categories(categories: ArrayLike | None, lo: float, hi: float) -> FloatArray | None:
    """The scale points: validated ``categories``, or lo..hi for integers on 2..7 points."""
    if categories is not None:
        cats = np.asarray(categories, dtype=np.float64)
        if cats.size < 2 or cats.size > 7 or np.any(np.diff(cats) <= 0):
            raise ValueError("categories must be 2..7 increasing scale points, e.g. 1..5")
        if np.any(cats != np.round(cats)):
            raise ValueError("categories must be integers")
        if np.isfinite(lo) and (lo < cats[0] or hi > cats[-1]):
            raise ValueError(f"values outside the categories {cats[0]:g}..{cats[-1]:g}")
        return cats
    if np.isfinite(lo) and lo == np.round(lo) and hi == np.round(hi) and 1 <= hi - lo <= 6:
        return np.arange(lo, hi + 1.0)
    return None
