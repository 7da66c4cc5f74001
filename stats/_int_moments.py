"""Fast path of :func:`stats.moments.moments_grouped` for integer answers on a small scale."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats import _int_config as cfg
from stats._byte_scan import _scan_small_int, _sort_rows
from stats._int_groups import _IntGroups
from stats._moments_base import (
    FloatArray,
    GroupedMoments,
    Missing,
    _counts_from_power_sums,
    _resolve_categories,
)


def _small_int_moments(
    x: FloatArray,
    codes: NDArray[np.integer],
    n_groups: int,
    missing: Missing,
    categories: ArrayLike | None,
) -> GroupedMoments | None:
    """Fast path for integer answers on a small scale (Likert items); None for other data.

    One pass (in cache-sized chunks, on two threads) turns the values into one byte per cell
    (y = x - h, 0 = missing) and classifies each row: complete, missing only item j, or missing
    more. The byte rows are sorted by (group, class). Per group, every sum is a float32 BLAS
    product on blocks small enough that float32 sums of these integers are exact, accumulated in
    float64, so the sums equal the float64 ones. Pairwise, with M = 1 - Z (Z the missing
    indicators, zero-filled y): n = rows - z_j - z_l + Z'Z, s = colsum(y) - Y'Z,
    q2 = colsum(y^2) - (Y^2)'Z, and the Z products are sparse (2 % of the cells): for the rows
    missing one item (sorted by that item) they are segment sums, for the rest products with the
    indicator pattern; scipy's compiled CSR/CSC kernels do both. Category counts: the three
    lowest scale points from the number of answers and the sums of y and y^2 (Gram diagonal),
    the others by comparing the bytes, 255 rows at a time in 64-bit words.
    """
    n, k = x.shape
    g_n = n_groups
    grp = np.asarray(codes)
    if n == 0 or k < 2 or k > 250 or grp.shape != (n,) or grp.dtype.kind not in "iu":
        return None
    if grp.min() < 0 or grp.max() >= g_n:
        return None  # the float path's handling of such codes stays as it is
    sc = _scan_small_int(x)
    if sc is None:
        return None
    lo, hi, h = sc.lo, sc.hi, sc.offset
    if abs(lo + hi) / 2.0 > 1e3 * max(hi - lo, 1e-300):
        return None  # the float path centres such data first
    vmax = int(hi - h)
    if k * vmax * vmax > cfg._EXACT32:
        return None
    cats = _resolve_categories(categories, lo, hi)
    if cats is not None:  # the float path's power sums must be exact for equal counts
        big = max(abs(lo), abs(hi))
        if big ** (cats.size - 1) * n > 2.0**53:
            return None
    srt, bounds = _sort_rows(sc, grp, g_n, k)
    del sc
    cat_codes = None if cats is None else (cats - h).astype(np.int64)
    pairwise = missing == "pairwise"
    work = _IntGroups(srt, bounds, g_n, k, vmax, cat_codes, pairwise)
    # one thread: the per-group steps are many short numpy calls that hold the GIL, and a second
    # thread measured no faster
    work.run(range(g_n))
    f = work.finish()
    sizes = bounds[k + 2 :: k + 2] - bounds[: -1 : k + 2]

    n_m, s_m, q_m, q2_m = f["n"], f["s"], f["q"], f["q2"]
    t_s, t_q, t_x, t_sum, t_sumsq, t_n = (
        f["t_s"],
        f["t_q"],
        f["t_x"],
        f["t_sum"],
        f["t_sumsq"],
        f["t_n"],
    )
    if h != 0.0:  # back from y = x - h to x: exact integer algebra for the pairwise sums
        s_y = s_m.copy()
        nd = np.diagonal(n_m, axis1=-2, axis2=-1)
        sd = np.diagonal(s_y, axis1=-2, axis2=-1)
        q_m += h * (s_y + np.swapaxes(s_y, -1, -2)) + h * h * n_m
        q2_m += 2.0 * h * s_y + h * h * n_m
        s_m += h * n_m
        t_x += h * sd + h * t_s + h * h * nd
        t_q += 2.0 * h * t_s + h * h * nd
        t_s += h * nd
        t_sumsq += 2.0 * h * t_sum + h * h * t_n
        t_sum += h * t_n

    counts = None
    if cats is not None:
        if not bool(f["valid"]):
            return None  # an answer between the given scale points: the float path decides
        # the float path's exact sums of x^p from these counts, and its solve: the same counts
        # (or the same None where that solve is too ill-conditioned, far from zero)
        power = f["counts"] @ (cats[:, None] ** np.arange(cats.size)[None, :])
        counts = _counts_from_power_sums(power, cats)
        if counts is None and categories is not None:
            raise ValueError("values are not on the integer scale given by categories")

    return GroupedMoments(
        missing=missing,
        shift=0.0,
        n_rows=sizes,
        n_any=f["n_any"].astype(np.int64),
        n_complete=bounds[1 :: k + 2] - bounds[: -1 : k + 2],
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
        adf_var=work.adf_var,
    )
