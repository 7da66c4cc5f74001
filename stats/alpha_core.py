"""Statistics of a stack of covariance matrices (G, k, k): psych's ``alpha.1``, the item
correlations and every statistic with one item dropped, all groups at once.

Split from :mod:`stats.reliability` (which adds the moment-based statistics: n, raw.r, means,
category shares, CIs). Items with zero variance are left out of a group's matrix statistics, as
psych::alpha drops them (with a warning); see :func:`matrix_stats`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats.factor import one_factor_minres
from stats.moments import FloatArray, IntArray

_PINV_TOL = float(np.sqrt(np.finfo(np.float64).eps))  # psych::Pinv's default tolerance


def _inv_stack(r: FloatArray) -> FloatArray:
    """Batched inverse as psych::smc takes it (``Pinv``): the pseudo-inverse by rank."""
    return _inv_stack_flag(r)[0]


def _inv_stack_flag(r: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """psych's ``Pinv`` of every matrix in the stack, and per matrix whether it has full rank.

    Rank is decided as psych does, by singular values: those at or below sqrt(eps) times the
    largest are dropped (R is symmetric, so they are the absolute eigenvalues). ``np.linalg.inv``
    cannot be trusted to fail on a singular R (with fewer complete rows than items it returns a
    huge, meaningless inverse instead of raising), so singularity is decided by rank, never by
    an exception. Cheap screen first: for symmetric R the 2-norm condition number is at most
    the 1-norm one, ||R||_1 ||R^-1||_1, so where that is below 1 / sqrt(eps) every singular
    value is kept and the plain inverse is psych's Pinv; only the other matrices (singular or
    nearly so) get the eigendecomposition.
    """
    with np.errstate(all="ignore"):
        try:
            p = np.asarray(np.linalg.inv(r), dtype=np.float64)
        except np.linalg.LinAlgError:  # exactly singular somewhere: decide every matrix by rank
            p = np.full_like(r, np.nan)
        cond = np.abs(r).sum(axis=-2).max(axis=-1) * np.abs(p).sum(axis=-2).max(axis=-1)
    full = np.isfinite(cond) & (cond * _PINV_TOL < 0.5)
    hard = np.flatnonzero(~full)
    if hard.size:
        w, v = np.linalg.eigh(r[hard])
        d = np.abs(w)
        keep = d > _PINV_TOL * d.max(axis=-1, keepdims=True)
        inv_w = np.where(keep, 1.0 / np.where(keep, w, 1.0), 0.0)
        p[hard] = np.einsum("...ij,...j,...kj->...ik", v, inv_w, v)
        ok = keep.all(axis=-1)
        if ok.any():  # full rank after all (condition between the screen and psych's bound)
            p[hard[ok]] = np.linalg.inv(r[hard[ok]])
        full[hard] = ok
    return p, np.asarray(full, dtype=np.bool_)


def alpha_core(c: FloatArray, n: ArrayLike) -> dict[str, FloatArray]:
    """psych's ``alpha.1`` for a stack of covariance matrices (G, k, k); ``n`` rows per group."""
    k = c.shape[-1]
    kk = k / (k - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tr = np.trace(c, axis1=-2, axis2=-1)
        sum_c = c.sum(axis=(-2, -1))
        sd = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
        r = c / (sd[..., :, None] * sd[..., None, :])
        sum_r = r.sum(axis=(-2, -1))
        ok = np.isfinite(r).all(axis=(-2, -1))
        p = np.full_like(r, np.nan)
        inv_exact = np.zeros(ok.shape, dtype=np.bool_)
        if ok.any():
            p[ok], inv_exact[ok] = _inv_stack_flag(r[ok])
        # psych::smc bounds the squared multiple correlations to [0, 1] (singular R)
        smc = np.clip(1.0 - 1.0 / np.diagonal(p, axis1=-2, axis2=-1), 0.0, 1.0)
        off = r[..., ~np.eye(k, dtype=bool)]
        low = r[..., np.tril(np.ones((k, k), dtype=bool), -1)]  # psych: R[lower.tri(R)]
        av_r = (sum_r - k) / (k * (k - 1.0))
        c1 = c.sum(axis=-1)
        q = (2.0 * k**2 / ((k - 1.0) ** 2 * sum_c**3)) * (
            sum_c * ((c * c).sum(axis=(-2, -1)) + tr**2) - 2.0 * tr * (c1 * c1).sum(axis=-1)
        )
        out = {
            "alpha_raw": kk * (1.0 - tr / sum_c),
            "alpha_std": kk * (1.0 - k / sum_r),
            "lambda6": 1.0 - (k - smc.sum(axis=-1)) / sum_r,
            "average_r": av_r,
            "median_r": np.median(off, axis=-1) if k > 1 else np.full(c.shape[:-2], np.nan),
            "var_r": np.var(low, axis=-1, ddof=1) if k > 2 else np.full(c.shape[:-2], np.nan),
            "signal_noise": k * av_r / (1.0 - av_r),
            "ase": np.sqrt(q / np.asarray(n, dtype=np.float64)),
        }
    out["_r"] = r
    out["_smc"] = smc
    out["_p"] = p
    out["_inv_ok"] = ok & inv_exact
    return out


_DROP_KEYS = ["alpha_raw", "alpha_std", "lambda6", "average_r", "signal_noise", "ase", "var_r",
              "median_r"]  # fmt: skip


def _if_dropped(
    c: FloatArray, r: FloatArray, p: FloatArray, inv_ok: NDArray[np.bool_], n_used: FloatArray
) -> dict[str, FloatArray]:
    """:func:`alpha_core` of every (k-1)-item subset (item j dropped), all groups and items at once.

    Closed forms on the full matrices instead of k sub-matrices: sums, traces and squared sums
    of C and R lose row and column j; R_{-j}^-1 is the Schur complement of the full inverse P,
    (R_{-j}^-1)_ll = P_ll - P_lj P_jl / P_jj, so the squared multiple correlations need no new
    inverse; the variance of the remaining correlations comes from centred sums; their median
    is read off the sorted off-diagonal correlations with row and column j skipped. Groups whose
    R has non-finite entries, or is too ill-conditioned for the downdate (condition number above
    1e6, or a Schur diagonal below 1e-3 of P_ll), take the sub-matrix route of :func:`alpha_core`.
    """
    g_n, k = c.shape[0], c.shape[-1]
    drop = {key: np.full((g_n, k), np.nan) for key in _DROP_KEYS}
    if k <= 2 or g_n == 0:
        return drop
    kd = k - 1.0
    kk = kd / (kd - 1.0)
    idx = np.arange(k)
    n = np.asarray(n_used, dtype=np.float64)[:, None]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # covariance: trace, total, sum of squares and squared row sums without item j
        cjj = np.diagonal(c, axis1=-2, axis2=-1)
        c_row = c.sum(axis=-1)
        c_col = c.sum(axis=-2)
        tr_d = cjj.sum(axis=-1)[:, None] - cjj
        sum_d = c_row.sum(axis=-1)[:, None] - c_row - c_col + cjj
        c2 = c * c
        csq_d = c2.sum(axis=(-2, -1))[:, None] - c2.sum(axis=-1) - c2.sum(axis=-2) + cjj * cjj
        rest = c_row[:, None, :] - np.swapaxes(c, -1, -2)  # [g, j, l] = row sum l minus c_lj
        c1sq_d = (rest * rest).sum(axis=-1) - (c_row - cjj) ** 2
        q = (2.0 * kd**2 / ((kd - 1.0) ** 2 * sum_d**3)) * (
            sum_d * (csq_d + tr_d**2) - 2.0 * tr_d * c1sq_d
        )
        drop["alpha_raw"] = kk * (1.0 - tr_d / sum_d)
        drop["ase"] = np.sqrt(q / n)
        # correlations: total, mean, alpha_std, S/N
        rjj = np.diagonal(r, axis1=-2, axis2=-1)
        r_row = r.sum(axis=-1)
        r_col = r.sum(axis=-2)
        sum_rd = r_row.sum(axis=-1)[:, None] - r_row - r_col + rjj
        av_r = (sum_rd - kd) / (kd * (kd - 1.0))
        drop["alpha_std"] = kk * (1.0 - kd / sum_rd)
        drop["average_r"] = av_r
        drop["signal_noise"] = kd * av_r / (1.0 - av_r)
        # lambda6: smc of R_{-j} from the Schur complement of P
        pd_ = np.diagonal(p, axis1=-2, axis2=-1)
        schur = pd_[:, None, :] - np.swapaxes(p, -1, -2) * p / pd_[:, :, None]  # [g, j, l]
        schur[:, idx, idx] = np.inf
        smc_d = np.clip(1.0 - 1.0 / schur, 0.0, 1.0)
        smc_d[:, idx, idx] = 0.0
        drop["lambda6"] = 1.0 - (kd - smc_d.sum(axis=-1)) / sum_rd
        schur[:, idx, idx] = pd_
        ratio = (schur / pd_[:, None, :]).min(axis=(-2, -1))
        cond = np.abs(r).sum(axis=-2).max(axis=-1) * np.abs(p).sum(axis=-2).max(axis=-1)
        # off-diagonal correlations: variance from centred sums, median by rank
        off = ~np.eye(k, dtype=bool)
        dev = np.where(
            off, r - ((r_row.sum(axis=-1) - rjj.sum(axis=-1)) / (k * kd))[:, None, None], 0.0
        )
        n_d = kd * (kd - 1.0)
        s1 = dev.sum(axis=(-2, -1))[:, None] - dev.sum(axis=-1) - dev.sum(axis=-2)
        d2 = dev * dev
        s2 = d2.sum(axis=(-2, -1))[:, None] - d2.sum(axis=-1) - d2.sum(axis=-2)
        if kd > 2:  # over the lower triangle (n_d / 2 values, sums halved), as psych
            drop["var_r"] = (s2 - s1 * s1 / n_d) / (n_d - 2.0)
    drop["median_r"] = _median_without(r, off)
    good = inv_ok & (cond <= 1e6) & (ratio >= 1e-3)
    bad = np.flatnonzero(~good)
    if bad.size:  # sub-matrix route for the few groups the closed forms do not cover
        cb = c[bad]
        for j in range(k):
            keep = np.delete(idx, j)
            sub = alpha_core(cb[:, keep][:, :, keep], n[bad, 0])
            for key in _DROP_KEYS:
                drop[key][bad, j] = sub[key]
    return drop


@lru_cache(maxsize=16)
def _positions_without(k: int) -> IntArray:
    """For each j, the positions (in row-major order of the off-diagonal entries of a k x k
    matrix) of the entries in row j or column j; (k, 2(k-1)), read-only."""
    rows, cols = np.nonzero(~np.eye(k, dtype=bool))
    gone = np.array([np.flatnonzero((rows == j) | (cols == j)) for j in range(k)])
    gone.flags.writeable = False
    return gone


def _median_without(r: FloatArray, off: NDArray[np.bool_]) -> FloatArray:
    """Median of the off-diagonal entries of R without row and column j, for every j (G, k).

    The k(k-1) off-diagonal values are sorted once per group. Without row and column j the
    R = 2(k-1) entries at sorted positions P_0 < ... < P_(R-1) are gone, and the t-th remaining
    value sits at position t + #{i : P_i - i <= t}; the median is the mean of the two middle
    ones, as ``np.median`` of R_{-j}'s off-diagonal.
    """
    g_n, k = r.shape[0], r.shape[-1]
    rows, cols = np.nonzero(off)
    vals = r[:, rows, cols]
    n_off = vals.shape[-1]
    order = np.argsort(vals, axis=-1)
    sv = np.take_along_axis(vals, order, axis=-1)
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.arange(n_off)[None, :], axis=-1)
    gone = _positions_without(k)  # (k, R)
    p_gone = np.sort(pos[:, gone], axis=-1)  # (G, k, R)
    shifted = p_gone - np.arange(gone.shape[1])
    n_kept = n_off - gone.shape[1]
    gi = np.arange(g_n)[:, None]
    mid = []
    for t in ((n_kept - 1) // 2, n_kept // 2):
        p = t + (shifted <= t).sum(axis=-1)
        mid.append(sv[gi, p])
    med = (mid[0] + mid[1]) / 2.0
    med[~np.isfinite(vals).all(axis=-1)] = np.nan
    return np.asarray(med)


def _matrix_stats_full(c: FloatArray, n_used: FloatArray) -> tuple[dict[str, FloatArray], ...]:
    """Scale (G,) and item (G, k) statistics of covariance matrices, every item included."""
    k = c.shape[-1]
    core = alpha_core(c, n_used)
    r, smc, p_inv = core.pop("_r"), core.pop("_smc"), core.pop("_p")
    inv_ok = np.asarray(core.pop("_inv_ok"), dtype=np.bool_)
    lam = one_factor_minres(r)
    idx = np.arange(k)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.diagonal(c, axis1=-2, axis2=-1)
        sd_items = np.sqrt(var)
        ls = lam.sum(axis=-1) ** 2
        core["omega_total_std"] = ls / (ls + (1.0 - lam**2).sum(axis=-1))
        lr = (lam * sd_items).sum(axis=-1) ** 2
        core["omega_total"] = lr / (lr + ((1.0 - lam**2) * sd_items**2).sum(axis=-1))
        col_c = c.sum(axis=-1)
        rest_var = c.sum(axis=(-2, -1))[:, None] - 2.0 * col_c + var
        items = {"r_drop": (col_c - var) / np.sqrt(var * rest_var)}
        items["std_r"] = r.sum(axis=-1) / np.sqrt(r.sum(axis=(-2, -1)))[:, None]
        rc = r.copy()
        rc[:, idx, idx] = smc
        items["r_cor"] = rc.sum(axis=-1) / np.sqrt(rc.sum(axis=(-2, -1)))[:, None]
    for key, v in _if_dropped(c, r, p_inv, inv_ok, n_used).items():
        items[f"{key}_if_dropped"] = v
    return core, items


def matrix_stats(
    c: FloatArray, n_used: FloatArray
) -> tuple[dict[str, FloatArray], dict[str, FloatArray], IntArray]:
    """Scale statistics (G,), item statistics (G, k) and the number of items used (G,).

    As psych::alpha, an item with zero variance in a group is left out of that group's matrix
    statistics (alpha, lambda6, omega, the r statistics, and the item rows of the others, on
    the remaining k' items); its own item row is NaN there. Groups without such an item take
    the vectorised path; the others (rare) are recomputed one at a time on their sub-matrix.
    """
    g_n, k = c.shape[0], c.shape[-1]
    scale, items = _matrix_stats_full(c, n_used)
    var = np.diagonal(c, axis1=-2, axis2=-1)
    const = ~(var > 0) & np.isfinite(var)
    k_used = np.full(g_n, k, dtype=np.int64) - const.sum(axis=-1)
    for g in np.flatnonzero(const.any(axis=-1)):
        keep = np.flatnonzero(~const[g])
        for v in items.values():
            v[g] = np.nan
        if keep.size < 2:
            for v in scale.values():
                v[g] = np.nan
            continue
        sub = c[g][np.ix_(keep, keep)][None]
        s_g, i_g = _matrix_stats_full(sub, np.asarray(n_used, dtype=np.float64)[[g]])
        for key, v in s_g.items():
            scale[key][g] = v[0]
        for key, v in i_g.items():
            items[key][g, keep] = v[0]
    return scale, items, k_used
