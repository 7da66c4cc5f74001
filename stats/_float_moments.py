"""General path of :func:`stats.moments.moments_grouped` (any real values): a sorted float64
copy and one Gram matrix per group."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats._moments_base import (
    FloatArray,
    GroupedMoments,
    IntArray,
    Missing,
    _counts_from_power_sums,
    _resolve_categories,
    group_sort,
)


def _float_moments(
    x: FloatArray,
    codes: NDArray[np.integer],
    n_groups: int,
    missing: Missing,
    categories: ArrayLike | None,
) -> GroupedMoments:
    """General path (any real values): sorted float64 copy, one Gram matrix per group."""
    k = x.shape[1]
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

    cats = _resolve_categories(categories, lo, hi)
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
