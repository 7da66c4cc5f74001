"""Grouped sufficient statistics for item sets: one pass over the rows, one Gram matrix per group.

Everything the reliability formulas need is a sum over rows, so a group's statistics are a few
k x k matrices. Rows are sorted by group once; each group's block is a contiguous slice, and the
item cross-products come from one BLAS ``X.T @ X`` per group. Missing cells are zero-filled, and
the pairwise corrections (how many rows, and which sums, each pair really shares) come from the
few rows that have a missing cell, not from a second pass over all rows.

Missing-data rules
------------------
``pairwise`` (R ``cov(use="pairwise")``, the psych default): each covariance uses the rows where
both items are answered, with means taken over those same rows; an item's variance and mean use
every row where that item is answered.
``listwise`` (SPSS, jamovi, ``use="complete.obs"``): only rows with every item answered are used.
Category counts and the missing share are descriptive and always use every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Missing = Literal["pairwise", "listwise"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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

    Cost: one sort by group, one copy of the rows, one BLAS Gram matrix per group and a few
    elementwise passes (row sums, power sums for the category counts, the ADF quadratic form);
    rows with a missing cell get extra small products for the pairwise corrections.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("values must be a 2-D (rows x items) array")
    if missing not in ("pairwise", "listwise"):
        raise ValueError("missing must be 'pairwise' or 'listwise'")
    n_rows_total, k = x.shape
    if codes is None:
        codes = np.zeros(n_rows_total, dtype=np.int64)
        n_groups = 1
    codes = np.asarray(codes)
    if n_groups is None:
        n_groups = int(codes.max()) + 1 if codes.size else 0
    order, starts = group_sort(codes, n_groups)
    xs = np.take(x, order, axis=0) if order is not None else x.copy()

    lo = float(np.fmin.reduce(xs, axis=None, initial=np.inf))  # fmin/fmax skip NaN
    hi = float(np.fmax.reduce(xs, axis=None, initial=-np.inf))
    # a row sum is NaN exactly when the row has a missing cell: finds incomplete rows in one pass
    row_sum = xs.sum(axis=1)
    inc_all = np.flatnonzero(np.isnan(row_sum))
    miss: NDArray[np.bool_] | None = None
    if inc_all.size:
        miss = np.isnan(xs)
        np.copyto(xs, 0.0, where=miss)

    cats: FloatArray | None
    if categories is not None:
        cats = np.asarray(categories, dtype=np.float64)
        if cats.size < 2 or cats.size > 7 or np.any(np.diff(cats) <= 0):
            raise ValueError("categories must be 2..7 increasing scale points, e.g. 1..5")
        if np.any(cats != np.round(cats)):
            raise ValueError("categories must be integers")
        if np.isfinite(lo) and (lo < cats[0] or hi > cats[-1]):
            raise ValueError(f"values outside the categories {cats[0]:g}..{cats[-1]:g}")
    elif np.isfinite(lo) and lo == np.round(lo) and hi == np.round(hi) and 1 <= hi - lo <= 6:
        cats = np.arange(lo, hi + 1.0)
    else:
        cats = None
    # Likert-sized values need no centring; shift only far-from-zero data (cancellation)
    shift = 0.0
    if np.isfinite(lo) and abs(lo + hi) / 2.0 > 1e3 * max(hi - lo, 1e-300):
        shift = float((lo + hi) / 2.0)
        xs -= shift
        if miss is not None:
            np.copyto(xs, 0.0, where=miss)
        cats = None

    g_n = n_groups
    shape3 = (g_n, k, k)
    n_m = np.zeros(shape3)
    s_m = np.zeros(shape3)
    q_m = np.zeros(shape3)
    q2_m = np.zeros(shape3)
    t_sum = np.zeros(g_n)
    t_sumsq = np.zeros(g_n)
    t_n = np.zeros(g_n)
    t_s = np.zeros((g_n, k))
    t_q = np.zeros((g_n, k))
    t_x = np.zeros((g_n, k))
    adf_var = np.full(g_n, np.nan)
    n_rows = np.diff(starts)
    n_any = np.zeros(g_n, dtype=np.int64)
    n_complete = np.zeros(g_n, dtype=np.int64)
    n_cat = 0 if cats is None else cats.size
    power = np.zeros((g_n, k, n_cat))
    ones = np.ones(k)
    inc_bounds = np.searchsorted(inc_all, starts)
    ones_r = np.ones(int(n_rows.max()) if g_n else 0)

    for g in range(g_n):
        a, b = int(starts[g]), int(starts[g + 1])
        if b == a:
            continue
        xg = xs[a:b]
        ia, ib = int(inc_bounds[g]), int(inc_bounds[g + 1])
        inc = inc_all[ia:ib] - a
        xi = xg[inc]
        if miss is not None and inc.size:
            zi = miss[a:b][inc].astype(np.float64)
        else:
            zi = np.zeros((0, k))
        ti_n = k - zi.sum(axis=1)
        rs_i = xi.sum(axis=1)
        zsum = zi.sum(axis=0)
        nr = b - a
        nc = nr - inc.size
        n_complete[g] = nc
        n_any[g] = nc + int(np.count_nonzero(ti_n))

        gram_all = xg.T @ xg
        col_all = ones_r[: b - a] @ xg
        gram_c = gram_all - xi.T @ xi
        col_c = col_all - xi.sum(axis=0)
        if n_cat:
            power[g] = _power_sums(xg, nr - zsum, col_all, gram_all, n_cat)
        # complete rows: T = row sum / k, so its sums come from the Gram matrix
        tc_x = gram_c @ ones / k
        tc_sum = float(col_c.sum()) / k
        tc_sq = float(ones @ gram_c @ ones) / k**2
        if missing == "listwise" or inc.size == 0:
            q_m[g] = gram_c
            n_m[g] = nc
            s_m[g] = col_c[:, None]
            q2_m[g] = np.diagonal(gram_c)[:, None]
            t_x[g] = tc_x
            t_s[g] = tc_sum
            t_q[g] = tc_sq
            t_sum[g], t_sumsq[g], t_n[g] = tc_sum, tc_sq, nc
        else:
            ti = np.where(ti_n > 0, rs_i / np.maximum(ti_n, 1), 0.0)
            q_m[g] = gram_all
            n_m[g] = nr - zsum[:, None] - zsum[None, :] + zi.T @ zi
            s_m[g] = col_all[:, None] - xi.T @ zi
            q2_m[g] = np.diagonal(gram_all)[:, None] - (xi * xi).T @ zi
            t_x[g] = tc_x + ti @ xi
            ti_sum, ti_sq = float(ti.sum()), float(ti @ ti)
            t_s[g] = tc_sum + ti_sum - ti @ zi
            t_q[g] = tc_sq + ti_sq - (ti * ti) @ zi
            t_sum[g], t_sumsq[g] = tc_sum + ti_sum, tc_sq + ti_sq
            t_n[g] = n_any[g]
        adf_var[g] = _adf_alpha_var(xg, inc, gram_c, col_c, nc)

    counts = None
    if cats is not None:
        counts = _counts_from_power_sums(power, cats)
        if counts is None and categories is not None:
            raise ValueError("values are not on the integer scale given by categories")

    return GroupedMoments(
        missing=missing,
        shift=shift,
        n_rows=n_rows,
        n_any=n_any,
        n_complete=n_complete,
        n=n_m,
        s=s_m,
        q=q_m,
        q2=q2_m,
        t_sum=t_sum,
        t_sumsq=t_sumsq,
        t_n=t_n,
        t_s=t_s,
        t_q=t_q,
        t_x=t_x,
        counts=counts,
        categories=cats,
        adf_var=adf_var,
    )


def _power_sums(
    xg: FloatArray, answered: FloatArray, col: FloatArray, gram: FloatArray, n_cat: int
) -> FloatArray:
    """S_p = sum over answered cells of x^p, p = 0..n_cat-1 (missing cells are zero)."""
    pw = [answered, col, np.diagonal(gram).copy()]
    if n_cat > 3:
        x2 = xg * xg
        pw.append(np.einsum("ij,ij->j", x2, xg))
        if n_cat > 4:
            pw.append(np.einsum("ij,ij->j", x2, x2))
        if n_cat > 5:
            x3 = x2 * xg
            pw.append(np.einsum("ij,ij->j", x3, x2))
            if n_cat > 6:
                pw.append(np.einsum("ij,ij->j", x3, x3))
    return np.stack(pw[:n_cat], axis=-1)


def _adf_alpha_var(
    xg: FloatArray,
    inc: IntArray,
    gram_c: FloatArray,
    col_c: FloatArray,
    m: int,
) -> float:
    """Asymptotically distribution-free variance of raw alpha (Maydeu-Olivares et al. 2007).

    Delta method: alpha = c (1 - tr S / 1'S1), c = k / (k - 1). With y = x - mean,
    sum_jl (d alpha / d S_jl) y_j y_l = c (-|y|^2 / s + t (1'y)^2 / s^2) =: q, so
    Var(alpha_hat) = Var(q) / n (the 1/n fourth-moment estimate of Gamma). Only rows with every
    item answered are used, whatever the missing-data rule (the ADF Gamma needs whole rows).
    """
    k = xg.shape[1]
    if m < 3 or k < 2:
        return float("nan")
    mu = col_c / m
    cov = (gram_c - np.outer(col_c, col_c) / m) / m
    t = float(np.trace(cov))
    s = float(cov.sum())
    if s <= 0:
        return float("nan")
    c = k / (k - 1)
    # |y|^2 = |x|^2 - 2 mu'x + |mu|^2 ; 1'y = 1'x - 1'mu  (two passes over the rows)
    proj = xg @ np.column_stack([mu, np.ones(k)])
    yy = np.einsum("ij,ij->i", xg, xg) - 2.0 * proj[:, 0] + float(mu @ mu)
    oy = proj[:, 1] - float(mu.sum())
    qv = c * (-yy / s + t * oy * oy / (s * s))
    if inc.size:
        qv = np.delete(qv, inc)
    return float(np.var(qv) / m)
