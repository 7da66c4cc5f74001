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
var_r          var.r       variance (n-1) of the lower-triangle r (psych >= 2.0)
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

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

from stats.alpha_core import _DROP_KEYS, matrix_stats
from stats.moments import FloatArray, GroupedMoments, Missing, moments_grouped

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


def scale_tables(m: GroupedMoments, *, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale-level (G rows) and item-level (G * k rows) statistics from grouped moments.

    An item with zero variance in a group is left out of that group's scale statistics and its
    ``k`` (psych::alpha drops it with a warning); its item row keeps n, mean, sd and the shares,
    and its correlations are NaN (R: NA).
    """
    c = m.cov()
    k = c.shape[-1]
    n_used = (m.n_complete if m.missing == "listwise" else m.n_any).astype(np.float64)
    core, item_stats, k_used = matrix_stats(c, n_used)
    z = sps.norm.isf((1.0 - level) / 2.0)
    data: dict[str, NDArray[np.generic]] = {key: np.asarray(v) for key, v in core.items()}
    off = ~np.eye(k, dtype=bool)
    data["n_rows"] = np.asarray(m.n_rows)
    data["n_used"] = n_used.astype(np.int64)
    data["n_pair_min"] = m.n[:, off].min(axis=1) if k > 1 else m.n[:, 0, 0]
    data["k"] = k_used
    a = core["alpha_raw"]
    data["ci_asymptotic_low"] = a - z * core["ase"]
    data["ci_asymptotic_high"] = a + z * core["ase"]
    data["ci_feldt_low"], data["ci_feldt_high"] = alpha_feldt_ci(a, n_used, k_used, level=level)
    ase_adf = np.sqrt(m.adf_var)
    data["ase_adf"] = ase_adf
    data["ci_adf_low"] = a - z * ase_adf
    data["ci_adf_high"] = a + z * ase_adf
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = m.t_sum / m.t_n
        t_var = (m.t_sumsq - m.t_sum**2 / m.t_n) / (m.t_n - 1.0)
    data["mean"] = t_mean + m.shift
    data["sd"] = np.sqrt(t_var)
    scale = pd.DataFrame({key: data[key] for key in SCALE_COLUMNS})
    return scale, _item_table(m, item_stats)


def _item_table(m: GroupedMoments, stats: dict[str, FloatArray]) -> pd.DataFrame:
    g_n, k = m.n.shape[0], m.n.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        # raw.r: cor(item, T) over rows where the item is used (T = mean of answered items)
        nj = np.diagonal(m.n, axis1=-2, axis2=-1)
        sj = np.diagonal(m.s, axis1=-2, axis2=-1)
        qj = np.diagonal(m.q, axis1=-2, axis2=-1)
        cov_tx = m.t_x - m.t_s * sj / nj
        var_t = m.t_q - m.t_s**2 / nj
        var_x = qj - sj**2 / nj
        # a zero-variance item has no correlation: NaN (R's cor() gives NA), never -inf
        raw_r = np.where(var_x > 0, cov_tx / np.sqrt(var_t * var_x), np.nan)
        mean = sj / nj + m.shift
        sd = np.sqrt(var_x / (nj - 1.0))

    data: dict[str, NDArray[np.generic]] = {
        "group": np.repeat(np.arange(g_n), k),
        "item": np.tile(np.arange(k), g_n),
        "n": nj.ravel().astype(np.int64),
        "raw_r": raw_r.ravel(),
        "std_r": stats["std_r"].ravel(),
        "r_cor": stats["r_cor"].ravel(),
        "r_drop": stats["r_drop"].ravel(),
        "mean": mean.ravel(),
        "sd": sd.ravel(),
    }
    for key in _DROP_KEYS:
        data[f"{key}_if_dropped"] = stats[f"{key}_if_dropped"].ravel()
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
