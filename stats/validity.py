"""Validity: convergent (participant vs staff on paired points) and known-groups contrasts.

Convergent pairs of points in the instrument: 5 <-> 7 (time it takes), 12 participant <-> 12
staff (planning after exit), 14 <-> 15 (readier for work or studies). Each pair of ratings is of
the same participant; rows with either rating missing are dropped (pairwise by construction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

CONVERGENT_PAIRS: tuple[tuple[str, str], ...] = (("5", "7"), ("12", "12s"), ("14", "15"))


@dataclass(frozen=True)
class Convergent:
    """Pearson r with Fisher-z CI, Spearman rho, ICC(2,1) absolute agreement and ICC(3,1)
    consistency (Shrout & Fleiss 1979; McGraw & Wong 1996 F-based CIs)."""

    n: int
    r: float
    r_low: float
    r_high: float
    spearman: float
    icc_agreement: float
    icc_agreement_low: float
    icc_agreement_high: float
    icc_consistency: float
    icc_consistency_low: float
    icc_consistency_high: float


def convergent(a: ArrayLike, b: ArrayLike, *, level: float = 0.95) -> Convergent:
    """Agreement of two ratings of the same participants (e.g. point 14 by the participant and
    point 15 by staff). Pearson CI: tanh(atanh r -+ z / sqrt(n - 3)).

    Two-way ANOVA on n targets x 2 raters: MSR (rows), MSC (raters), MSE (residual).
    ICC(2,1) = (MSR - MSE) / (MSR + MSE + 2 (MSC - MSE) / n); ICC(3,1) = (MSR - MSE) / (MSR + MSE).
    """
    x = np.column_stack([np.asarray(a, float), np.asarray(b, float)])
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 4:
        raise ValueError("need at least 4 complete pairs")
    r = float(np.corrcoef(x[:, 0], x[:, 1])[0, 1])
    z = sps.norm.isf((1 - level) / 2)
    half = z / np.sqrt(n - 3)
    r_lo, r_hi = float(np.tanh(np.arctanh(r) - half)), float(np.tanh(np.arctanh(r) + half))
    rho = float(sps.spearmanr(x[:, 0], x[:, 1]).statistic)
    grand = x.mean()
    ss_r = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_c = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_t = ((x - grand) ** 2).sum()
    ss_e = ss_t - ss_r - ss_c
    icc2, icc2_lo, icc2_hi, icc3, icc3_lo, icc3_hi = _iccs(ss_r, ss_c, ss_e, n, k, level)
    return Convergent(n=n, r=r, r_low=r_lo, r_high=r_hi, spearman=rho,
                      icc_agreement=float(icc2), icc_agreement_low=float(icc2_lo),
                      icc_agreement_high=float(icc2_hi), icc_consistency=float(icc3),
                      icc_consistency_low=float(icc3_lo),
                      icc_consistency_high=float(icc3_hi))  # fmt: skip


def _iccs(ss_r: Any, ss_c: Any, ss_e: Any, n: Any, k: float, level: float) -> tuple[Any, ...]:
    """ICC(2,1) and ICC(3,1) with their CIs from the two-way ANOVA sums of squares (n targets x
    k raters); scalars or arrays (one value per group)."""
    msr, msc = ss_r / (n - 1), ss_c / (k - 1)
    mse = ss_e / ((n - 1) * (k - 1))
    icc3 = (msr - mse) / (msr + (k - 1) * mse)
    icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    a_ = 1 - level
    # ICC(3,1): F = MSR / MSE on (n - 1, (n - 1)(k - 1))
    f3 = msr / mse
    df1, df2 = n - 1, (n - 1) * (k - 1)
    fl = f3 / sps.f.ppf(1 - a_ / 2, df1, df2)
    fu = f3 * sps.f.ppf(1 - a_ / 2, df2, df1)
    icc3_lo, icc3_hi = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
    # ICC(2,1): Satterthwaite df for the denominator (McGraw & Wong 1996, case 2A)
    fj = msc / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f_u = sps.f.ppf(1 - a_ / 2, n - 1, v)
    f_l = sps.f.ppf(1 - a_ / 2, v, n - 1)
    icc2_lo = n * (msr - f_u * mse) / (f_u * (k * msc + (k * n - k - n) * mse) + n * msr)
    icc2_hi = n * (f_l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_l * msr)
    return icc2, icc2_lo, icc2_hi, icc3, icc3_lo, icc3_hi


CONVERGENT_FIELDS = ("r", "r_low", "r_high", "spearman", "icc_agreement", "icc_agreement_low",
                     "icc_agreement_high", "icc_consistency", "icc_consistency_low",
                     "icc_consistency_high")  # fmt: skip


def convergent_grouped(
    a: ArrayLike, b: ArrayLike, groups: ArrayLike, *, level: float = 0.95
) -> pd.DataFrame:
    """:func:`convergent` for every group at once, from per-group sums (no loop over groups).

    ``groups`` labels each pair; one row per group that has a complete pair, in sorted label
    order: ``group``, ``n`` and the fields of :class:`Convergent`. Groups with fewer than 4
    complete pairs get NaN statistics instead of an error, and a degenerate group (no
    variance) NaN where a statistic is undefined, as :func:`convergent` gives.
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    codes, labels = pd.factorize(np.asarray(groups)[keep], sort=True)
    size = len(labels)
    n = np.bincount(codes, minlength=size).astype(np.float64)

    def total(v: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(codes, weights=v, minlength=size).astype(np.float64, copy=False)

    with np.errstate(all="ignore"):
        mx, my = total(x) / n, total(y) / n
        dx, dy = x - mx[codes], y - my[codes]
        sxx, syy, sxy = total(dx * dx), total(dy * dy), total(dx * dy)
        r = sxy / np.sqrt(sxx * syy)
        z = sps.norm.isf((1 - level) / 2)
        half = z / np.sqrt(n - 3)
        r_lo, r_hi = np.tanh(np.arctanh(r) - half), np.tanh(np.arctanh(r) + half)
        # Spearman: Pearson on average ranks within each group
        frame = pd.DataFrame({"g": codes, "x": x, "y": y})
        ranks = frame.groupby("g")[["x", "y"]].rank(method="average").to_numpy()
        rx, ry = ranks[:, 0], ranks[:, 1]
        drx, dry = rx - (total(rx) / n)[codes], ry - (total(ry) / n)[codes]
        rho = total(drx * dry) / np.sqrt(total(drx * drx) * total(dry * dry))
        # two-way ANOVA, n targets x k = 2 raters
        k = 2.0
        grand = (mx + my) / 2
        row_mean = (x + y) / 2
        ss_r = k * total((row_mean - grand[codes]) ** 2)
        ss_c = n * ((mx - grand) ** 2 + (my - grand) ** 2)
        ss_t = total((x - grand[codes]) ** 2 + (y - grand[codes]) ** 2)
        ss_e = ss_t - ss_r - ss_c
        icc2, icc2_lo, icc2_hi, icc3, icc3_lo, icc3_hi = _iccs(ss_r, ss_c, ss_e, n, k, level)
    columns = dict(zip(CONVERGENT_FIELDS, [r, r_lo, r_hi, rho, icc2, icc2_lo, icc2_hi, icc3,
                                           icc3_lo, icc3_hi], strict=True))  # fmt: skip
    out = pd.DataFrame({"group": labels, "n": n.astype(np.int64), **columns})
    fields = list(CONVERGENT_FIELDS)
    out.loc[out["n"] < 4, fields] = np.nan
    return out


@dataclass(frozen=True)
class KnownGroups:
    """Standardised mean difference (Hedges' g, group 1 - group 2) with its CI."""

    n1: int
    n2: int
    mean1: float
    mean2: float
    d: float
    g: float
    se: float
    low: float
    high: float


def known_groups(group1: ArrayLike, group2: ArrayLike, *, level: float = 0.95) -> KnownGroups:
    """Indicator scores of two exit outcomes (e.g. work/studies vs dropped out).

    d = (m1 - m2) / s_pooled, s_pooled^2 = ((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2);
    g = J d, J = 1 - 3 / (4 (n1 + n2) - 9) (Hedges & Olkin 1985);
    SE(g) = sqrt((n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2))); CI g -+ z SE. NaN scores dropped.
    """
    a = np.asarray(group1, float)
    b = np.asarray(group2, float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        raise ValueError("need at least two scores per group")
    sp = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    d = (a.mean() - b.mean()) / sp
    g = d * (1 - 3 / (4 * (n1 + n2) - 9))
    se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    z = sps.norm.isf((1 - level) / 2)
    return KnownGroups(n1=n1, n2=n2, mean1=float(a.mean()), mean2=float(b.mean()), d=float(d),
                       g=float(g), se=float(se), low=float(g - z * se),
                       high=float(g + z * se))  # fmt: skip
