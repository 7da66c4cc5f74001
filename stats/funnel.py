"""Funnel-plot control limits around a target and overdispersion (Spiegelhalter 2005).

Units (associations) report y successes of n answers. Around a target proportion p0 (a target
level or the national mean) the exact binomial limits at each n follow Spiegelhalter (2005,
Stat Med 24:1185, appendix A.1.1): with r_p the p-quantile of Binomial(n, p0) and
a = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), the limit is (r_p - a) / n (interpolated so the
limits are smooth in n). 95 % limits use p = 0.025 / 0.975, 99.8 % limits 0.001 / 0.999.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps


def binomial_limit(n: ArrayLike, p0: float, p: ArrayLike) -> NDArray[np.float64]:
    """Interpolated exact binomial p-quantile of y / n under Binomial(n, p0) (``n`` and ``p``
    broadcast against each other)."""
    nn = np.asarray(n, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    r = sps.binom.ppf(p, nn, p0)
    f_r = sps.binom.cdf(r, nn, p0)
    f_r1 = sps.binom.cdf(r - 1, nn, p0)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(f_r > f_r1, (f_r - p) / (f_r - f_r1), 0.0)
        return np.asarray((r - a) / nn)


def funnel_limits(
    n: ArrayLike,
    p0: float,
    *,
    levels: Sequence[float] = (0.95, 0.998),
    phi: float | None = None,
    tau2: float | None = None,
) -> pd.DataFrame:
    """Control limits by n: exact binomial, and if given, overdispersed normal limits.

    ``phi`` (multiplicative): p0 +- z sqrt(phi p0 (1 - p0) / n).
    ``tau2`` (additive random effect): p0 +- z sqrt(p0 (1 - p0) / n + tau2).
    Columns ``low_95``, ``high_95``, ``low_99.8``, ... (and ``*_phi``, ``*_tau`` variants),
    clipped to [0, 1].
    """
    nn = np.asarray(n, dtype=np.float64)
    out: dict[str, NDArray[np.float64]] = {"n": nn}
    s = np.sqrt(p0 * (1 - p0) / nn)
    # every level's two tails in one broadcast call: scipy's per-call overhead, not the
    # arithmetic, is what a funnel costs
    lower = [(1.0 - lev) / 2.0 for lev in levels]
    tails = np.array([[a, 1 - a] for a in lower]).reshape(-1, 1)
    exact = np.clip(binomial_limit(nn[None, :], p0, tails), 0, 1)
    for i, lev in enumerate(levels):
        tag = f"{100 * lev:g}"
        a = (1.0 - lev) / 2.0
        out[f"low_{tag}"] = exact[2 * i]
        out[f"high_{tag}"] = exact[2 * i + 1]
        z = sps.norm.isf(a)
        if phi is not None:
            out[f"low_{tag}_phi"] = np.clip(p0 - z * np.sqrt(phi) * s, 0, 1)
            out[f"high_{tag}_phi"] = np.clip(p0 + z * np.sqrt(phi) * s, 0, 1)
        if tau2 is not None:
            out[f"low_{tag}_tau"] = np.clip(p0 - z * np.sqrt(s * s + tau2), 0, 1)
            out[f"high_{tag}_tau"] = np.clip(p0 + z * np.sqrt(s * s + tau2), 0, 1)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Overdispersion:
    """z-scores, winsorised z-scores, phi with its chi-square test, and tau^2."""

    z: NDArray[np.float64]
    z_winsorised: NDArray[np.float64]
    phi: float
    p_value: float
    df: int
    tau2: float
    overdispersed: bool


def overdispersion(
    successes: ArrayLike,
    n: ArrayLike,
    p0: float | None = None,
    *,
    winsor: float = 0.10,
    level: float = 0.95,
) -> Overdispersion:
    """Spiegelhalter (2005) overdispersion checks for unit proportions y_i / n_i.

    z_i = (y_i / n_i - p0) / s_i, s_i = sqrt(p0 (1 - p0) / n_i); p0 defaults to the pooled
    proportion (then df = I - 1, else I). z is winsorised at the ``winsor`` and 1 - ``winsor``
    quantiles (10 % by default); phi = mean(z_w^2); I phi ~ chi2(df) without overdispersion.
    Additive tau^2 = (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i), w_i = 1 / s_i^2,
    set to 0 when I phi <= I - 1. Units with n = 0 are ignored.
    """
    y = np.asarray(successes, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    keep = nn > 0
    y, nn = y[keep], nn[keep]
    i = y.size
    df = i
    if p0 is None:
        p0 = float(y.sum() / nn.sum())
        df = i - 1
    s = np.sqrt(p0 * (1 - p0) / nn)
    z = (y / nn - p0) / s
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw * zw))
    p_value = float(sps.chi2.sf(i * phi, df))
    w = 1.0 / (s * s)
    tau2 = max(0.0, (i * phi - (i - 1)) / (w.sum() - (w * w).sum() / w.sum()))
    return Overdispersion(
        z=z,
        z_winsorised=zw,
        phi=phi,
        p_value=p_value,
        df=df,
        tau2=float(tau2),
        overdispersed=p_value < 1 - level,
    )
