"""Reliability of an item set: Cronbach's alpha and friends, following R psych::alpha.

All formulas work on a stack of covariance matrices C (G, k, k), so one group and a thousand
groups share one code path (see :mod:`stats.grouped`). Names follow ``psych::alpha`` output:

=============  ==========  =====================================================================
our name       psych       formula
=============  ==========  =====================================================================
alpha_raw      raw_alpha   k/(k-1) * (1 - tr C / 1'C1)
alpha_std      std.alpha   k/(k-1) * (1 - k / 1'R1), R = cov2cor(C)
lambda6        G6(smc)     1 - sum(1 - smc_j) / 1'R1, smc_j = 1 - 1/(R^-1)_jj
average_r      average_r   (1'R1 - k) / (k (k-1))
median_r       med.r       median of the off-diagonal r
var_r          var.r       variance (n-1) of the off-diagonal r (both halves)
signal_noise   S/N         k r_bar / (1 - r_bar)
ase            ase         sqrt(Q / n), Q of van Zyl et al. (2000), Duhachek & Iacobucci (2004)
ase_adf        --          ADF delta method (Maydeu-Olivares, Coffman & Hartmann 2007)
omega_total    --          (sum l)^2 / ((sum l)^2 + sum psi), one-factor minres fit to R;
                           the raw-score version uses l_j sd_j and psi_j sd_j^2
raw_r          raw.r       cor(item, T), T = mean of the answered items
std_r          std.r       colSums(R) / sqrt(1'R1)
r_cor          r.cor       as std_r with smc on the diagonal of R
r_drop         r.drop      (1'C_j - C_jj) / sqrt(C_jj 1'C_(-j)1)  (item-rest correlation)
=============  ==========  =====================================================================

Differences from psych: under ``pairwise`` the n for Feldt and ``ase`` is the number of rows with
at least one answer (psych and pingouin use all rows, blank ones too); under ``listwise`` every
statistic, item means included, uses the complete rows (psych keeps all rows for item means);
the ADF SE always uses complete rows; with two items the alpha-if-deleted columns are NaN
(psych fills in r).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

from stats.factor import one_factor_minres
from stats.moments import FloatArray, GroupedMoments, IntArray, Missing, moments_grouped

SCALE_COLUMNS = [
    "n_rows", "n_used", "n_pair_min", "k",
    "alpha_raw", "alpha_std", "lambda6", "average_r", "median_r", "var_r", "signal_noise",
    "ase", "ci_asymptotic_low", "ci_asymptotic_high", "ci_feldt_low", "ci_feldt_high",
    "ase_adf", "ci_adf_low", "ci_adf_high", "omega_total", "omega_total_std", "mean", "sd",
]  # fmt: skip


def alpha_feldt_ci(
    alpha: ArrayLike, n: ArrayLike, k: ArrayLike, *, level: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Feldt, Woodruff & Salih (1987) CI: 1 - (1 - alpha) F_{1-p/2 / p/2}(n - 1, (n - 1)(k - 1)).

    Identical to psych's and pingouin's. ``n`` is the number of questionnaires used.
    """
    a = np.asarray(alpha, dtype=np.float64)
    df1 = np.asarray(n, dtype=np.float64) - 1.0
    df2 = df1 * (np.asarray(k, dtype=np.float64) - 1.0)
    p = 1.0 - level
    with np.errstate(invalid="ignore"):
        low = 1.0 - (1.0 - a) * sps.f.isf(p / 2.0, df1, df2)
        high = 1.0 - (1.0 - a) * sps.f.isf(1.0 - p / 2.0, df1, df2)
    return np.asarray(low), np.asarray(high)


def _inv_stack(r: FloatArray) -> FloatArray:
    """Batched inverse; singular matrices fall back to the pseudo-inverse (as psych's smc does)."""
    return _inv_stack_flag(r)[0]


def _inv_stack_flag(r: FloatArray) -> tuple[FloatArray, bool]:
    """:func:`_inv_stack` and whether the plain inverse succeeded (False: pseudo-inverse)."""
    try:
        return np.asarray(np.linalg.inv(r), dtype=np.float64), True
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(r, hermitian=True), dtype=np.float64), False


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
        inv_exact = True
        if ok.any():
            p[ok], inv_exact = _inv_stack_flag(r[ok])
        # psych::smc bounds the squared multiple correlations to [0, 1] (singular R)
        smc = np.clip(1.0 - 1.0 / np.diagonal(p, axis1=-2, axis2=-1), 0.0, 1.0)
        off = r[..., ~np.eye(k, dtype=bool)]
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
            "var_r": np.var(off, axis=-1, ddof=1) if k > 2 else np.full(c.shape[:-2], np.nan),
            "signal_noise": k * av_r / (1.0 - av_r),
            "ase": np.sqrt(q / np.asarray(n, dtype=np.float64)),
        }
    out["_r"] = r
    out["_smc"] = smc
    out["_p"] = p
    out["_inv_ok"] = ok & inv_exact
    return out


def scale_tables(m: GroupedMoments, *, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale-level (G rows) and item-level (G * k rows) statistics from grouped moments."""
    c = m.cov()
    _g_n, k = c.shape[0], c.shape[-1]
    n_used = (m.n_complete if m.missing == "listwise" else m.n_any).astype(np.float64)
    core = alpha_core(c, n_used)
    r = core.pop("_r")
    smc = core.pop("_smc")
    p_inv = core.pop("_p")
    inv_ok = np.asarray(core.pop("_inv_ok"), dtype=np.bool_)
    z = sps.norm.isf((1.0 - level) / 2.0)
    data: dict[str, NDArray[np.generic]] = {key: np.asarray(v) for key, v in core.items()}
    off = ~np.eye(k, dtype=bool)
    data["n_rows"] = np.asarray(m.n_rows)
    data["n_used"] = n_used.astype(np.int64)
    data["n_pair_min"] = m.n[:, off].min(axis=1) if k > 1 else m.n[:, 0, 0]
    data["k"] = np.full(c.shape[0], k, dtype=np.int64)
    a = core["alpha_raw"]
    data["ci_asymptotic_low"] = a - z * core["ase"]
    data["ci_asymptotic_high"] = a + z * core["ase"]
    data["ci_feldt_low"], data["ci_feldt_high"] = alpha_feldt_ci(a, n_used, k, level=level)
    ase_adf = np.sqrt(m.adf_var)
    data["ase_adf"] = ase_adf
    data["ci_adf_low"] = a - z * ase_adf
    data["ci_adf_high"] = a + z * ase_adf
    lam = one_factor_minres(r)
    sd_items = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        ls = lam.sum(axis=-1) ** 2
        data["omega_total_std"] = ls / (ls + (1.0 - lam**2).sum(axis=-1))
        lr = (lam * sd_items).sum(axis=-1) ** 2
        data["omega_total"] = lr / (lr + ((1.0 - lam**2) * sd_items**2).sum(axis=-1))
        t_mean = m.t_sum / m.t_n
        t_var = (m.t_sumsq - m.t_sum**2 / m.t_n) / (m.t_n - 1.0)
    data["mean"] = t_mean + m.shift
    data["sd"] = np.sqrt(t_var)
    scale = pd.DataFrame({key: data[key] for key in SCALE_COLUMNS})

    items = _item_table(m, c, r, smc, n_used, p_inv, inv_ok)
    return scale, items


def _item_table(
    m: GroupedMoments,
    c: FloatArray,
    r: FloatArray,
    smc: FloatArray,
    n_used: FloatArray,
    p_inv: FloatArray,
    inv_ok: NDArray[np.bool_],
) -> pd.DataFrame:
    g_n, k = c.shape[0], c.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.diagonal(c, axis1=-2, axis2=-1)
        col_c = c.sum(axis=-1)
        sum_c = c.sum(axis=(-2, -1))
        rest_var = sum_c[:, None] - 2.0 * col_c + var
        r_drop = (col_c - var) / np.sqrt(var * rest_var)
        sum_r = r.sum(axis=(-2, -1))
        std_r = r.sum(axis=-1) / np.sqrt(sum_r)[:, None]
        rc = r.copy()
        idx = np.arange(k)
        rc[:, idx, idx] = smc
        r_cor = rc.sum(axis=-1) / np.sqrt(rc.sum(axis=(-2, -1)))[:, None]
        # raw.r: cor(item, T) over rows where the item is used (T = mean of answered items)
        nj = np.diagonal(m.n, axis1=-2, axis2=-1)
        sj = np.diagonal(m.s, axis1=-2, axis2=-1)
        qj = np.diagonal(m.q, axis1=-2, axis2=-1)
        cov_tx = m.t_x - m.t_s * sj / nj
        var_t = m.t_q - m.t_s**2 / nj
        var_x = qj - sj**2 / nj
        raw_r = cov_tx / np.sqrt(var_t * var_x)
        mean = sj / nj + m.shift
        sd = np.sqrt(var_x / (nj - 1.0))

    drop = _if_dropped(c, r, p_inv, inv_ok, n_used)

    data: dict[str, NDArray[np.generic]] = {
        "group": np.repeat(np.arange(g_n), k),
        "item": np.tile(np.arange(k), g_n),
        "n": nj.ravel().astype(np.int64),
        "raw_r": raw_r.ravel(),
        "std_r": std_r.ravel(),
        "r_cor": r_cor.ravel(),
        "r_drop": r_drop.ravel(),
        "mean": mean.ravel(),
        "sd": sd.ravel(),
    }
    for key, v in drop.items():
        data[f"{key}_if_dropped"] = v.ravel()
    n_rows = m.n_rows.astype(np.float64)
    if m.counts is not None and m.categories is not None:
        answered = m.counts.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            props = m.counts / answered[..., None]
            data["missing_share"] = (1.0 - answered / n_rows[:, None]).ravel()
        data["floor_share"] = props[..., 0].ravel()
        data["ceiling_share"] = props[..., -1].ravel()
        for ci, cat in enumerate(m.categories):
            data[f"p_{cat:g}"] = props[..., ci].ravel()
    else:
        data["missing_share"] = np.full(g_n * k, np.nan)
        data["floor_share"] = np.full(g_n * k, np.nan)
        data["ceiling_share"] = np.full(g_n * k, np.nan)
    return pd.DataFrame(data)


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
        if kd > 2:
            drop["var_r"] = (s2 - s1 * s1 / n_d) / (n_d - 1.0)
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


@dataclass(frozen=True)
class Reliability:
    """Reliability of one item set. ``scale`` holds one value per statistic (see SCALE_COLUMNS),
    ``items`` one row per item. ``ci_bootstrap`` and ``alpha_ordinal`` are None unless asked for.
    """

    missing: Missing
    level: float
    scale: pd.Series
    items: pd.DataFrame
    ci_bootstrap: tuple[float, float] | None = None
    alpha_ordinal: float | None = None

    @property
    def alpha(self) -> float:
        return float(self.scale["alpha_raw"])

    @property
    def ci_feldt(self) -> tuple[float, float]:
        return float(self.scale["ci_feldt_low"]), float(self.scale["ci_feldt_high"])


def _as_matrix(data: pd.DataFrame | ArrayLike) -> tuple[FloatArray, list[str]]:
    if isinstance(data, pd.DataFrame):
        return data.to_numpy(dtype=np.float64, na_value=np.nan), [str(c) for c in data.columns]
    x = np.asarray(data, dtype=np.float64)
    return x, [f"item{j + 1}" for j in range(x.shape[1])]


def reliability(
    data: pd.DataFrame | ArrayLike,
    *,
    missing: Missing = "pairwise",
    categories: Sequence[int] | None = None,
    level: float = 0.95,
    n_boot: int = 0,
    seed: int | None = None,
    ordinal: bool = False,
) -> Reliability:
    """All reliability statistics for one item set (rows = questionnaires, columns = items).

    Missing answers are NaN and handled by ``missing`` ("pairwise" or "listwise", see
    :mod:`stats.moments`). ``n_boot`` > 0 adds a seeded percentile bootstrap CI for raw alpha
    (:func:`stats.bootstrap.alpha_bootstrap`); ``ordinal`` adds alpha from the polychoric
    correlation matrix (:func:`stats.polychoric.polychoric`).
    """
    x, names = _as_matrix(data)
    if x.shape[1] < 2:
        raise ValueError("need at least two items")
    m = moments_grouped(x, missing=missing, categories=categories)
    scale, items = scale_tables(m, level=level)
    items = items.drop(columns=["group"])
    items["item"] = names
    items = items.set_index("item")
    boot = None
    if n_boot > 0:
        from stats.bootstrap import alpha_bootstrap

        boot = alpha_bootstrap(x, n_boot=n_boot, seed=seed, missing=missing, level=level).ci
    a_ord = None
    if ordinal:
        from stats.polychoric import polychoric

        a_ord = float(ordinal_alpha(polychoric(x, missing=missing).matrix))
    return Reliability(
        missing=missing,
        level=level,
        scale=scale.iloc[0],
        items=items,
        ci_bootstrap=boot,
        alpha_ordinal=a_ord,
    )


def ordinal_alpha(r: ArrayLike) -> FloatArray:
    """Ordinal alpha (Zumbo, Gadermann & Zeisser 2007): standardised alpha of a polychoric
    correlation matrix (or a stack of them), k/(k-1) * (1 - k / 1'R1)."""
    rr = np.asarray(r, dtype=np.float64)
    k = rr.shape[-1]
    return np.asarray(k / (k - 1.0) * (1.0 - k / rr.sum(axis=(-2, -1))))
