"""Convergent and known-groups validity against pingouin; CFA against statsmodels' ML factor."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as sps
from statsmodels.multivariate.factor import Factor

from stats.cfa import cfa_one_factor
from stats.validity import convergent, known_groups


@pytest.fixture
def pairs():
    rng = np.random.default_rng(2)
    t = rng.standard_normal(120)
    a = np.clip(np.round(3 + t + 0.7 * rng.standard_normal(120)), 1, 5)
    b = np.clip(np.round(3.3 + t + 0.7 * rng.standard_normal(120)), 1, 5)
    a[[3, 9]] = np.nan
    return a, b


def test_convergent_against_pingouin(pairs):
    a, b = pairs
    res = convergent(a, b)
    keep = ~np.isnan(a) & ~np.isnan(b)
    corr = pg.corr(a[keep], b[keep])
    assert res.n == 118
    assert res.r == pytest.approx(corr["r"].iloc[0], abs=1e-12)
    assert (res.r_low, res.r_high) == pytest.approx(tuple(corr["CI95"].iloc[0]), abs=5e-3)
    long = pd.DataFrame({"target": np.tile(np.arange(118), 2), "rater": np.repeat([0, 1], 118),
                         "score": np.r_[a[keep], b[keep]]})  # fmt: skip
    icc = pg.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    icc = icc.set_index("Type")
    assert res.icc_agreement == pytest.approx(icc.loc["ICC(A,1)", "ICC"], abs=1e-12)
    assert res.icc_consistency == pytest.approx(icc.loc["ICC(C,1)", "ICC"], abs=1e-12)
    assert (res.icc_agreement_low, res.icc_agreement_high) == pytest.approx(
        tuple(icc.loc["ICC(A,1)", "CI95"]), abs=6e-3)  # fmt: skip
    assert (res.icc_consistency_low, res.icc_consistency_high) == pytest.approx(
        tuple(icc.loc["ICC(C,1)", "CI95"]), abs=6e-3)  # fmt: skip
    assert res.spearman == pytest.approx(sps.spearmanr(a[keep], b[keep]).statistic)


def test_known_groups_against_pingouin():
    rng = np.random.default_rng(9)
    work = rng.normal(4.0, 0.8, 60)
    dropped = rng.normal(3.4, 0.9, 25)
    res = known_groups(work, dropped)
    assert res.g == pytest.approx(pg.compute_effsize(work, dropped, eftype="hedges"), abs=1e-12)
    assert res.d == pytest.approx(pg.compute_effsize(work, dropped, eftype="cohen"), abs=1e-12)
    # hand check of the SE formula (Hedges & Olkin)
    se = np.sqrt(85 / (60 * 25) + res.g**2 / (2 * 85))
    assert (res.low, res.high) == pytest.approx((res.g - 1.959964 * se, res.g + 1.959964 * se),
                                                abs=1e-5)  # fmt: skip


def test_cfa_exact_one_factor_fits_perfectly():
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    s = np.outer(lam, lam) + np.diag(1 - lam**2)
    fit = cfa_one_factor(s, 300)
    assert fit.standardised_loadings == pytest.approx(lam, abs=1e-5)
    assert fit.chi2 == pytest.approx(0, abs=1e-6)
    assert fit.cfi == pytest.approx(1.0) and fit.rmsea == pytest.approx(0, abs=1e-4)
    assert fit.srmr == pytest.approx(0, abs=1e-5) and fit.df == 5


def test_cfa_against_statsmodels_ml_and_hand_fit_indices():
    rng = np.random.default_rng(12)
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75, 0.65])
    sigma = np.outer(lam, lam) + np.diag(1 - lam**2)
    sigma[0, 1] = sigma[1, 0] = sigma[0, 1] + 0.12  # misfit: a correlated residual
    n = 400
    x = rng.multivariate_normal(np.zeros(6), sigma, size=n)
    r = np.corrcoef(x, rowvar=False)
    fit = cfa_one_factor(r, n)
    sm = Factor(corr=r, n_factor=1, method="ml", nobs=n).fit()
    load = np.abs(sm.loadings.ravel())
    assert fit.standardised_loadings == pytest.approx(load, abs=1e-4)
    # F_ML at statsmodels' solution, then the textbook indices
    implied = np.outer(load, load) + np.diag(1 - load**2)
    k = 6
    f = (np.linalg.slogdet(implied)[1] + np.trace(r @ np.linalg.inv(implied))
         - np.linalg.slogdet(r)[1] - k)  # fmt: skip
    chi2, df = (n - 1) * f, 9
    assert fit.chi2 == pytest.approx(chi2, rel=1e-3)
    chi2_b = (n - 1) * (-np.linalg.slogdet(r)[1])
    assert fit.cfi == pytest.approx(1 - max(chi2 - df, 0) / max(chi2_b - 15, chi2 - df), abs=1e-4)
    assert fit.tli == pytest.approx((chi2_b / 15 - chi2 / df) / (chi2_b / 15 - 1), abs=1e-4)
    assert fit.rmsea == pytest.approx(np.sqrt(max(chi2 - df, 0) / (df * (n - 1))), abs=1e-4)
    assert fit.rmsea_low <= fit.rmsea <= fit.rmsea_high
    # the RMSEA limits are where the observed chi2 sits at the 95th / 5th noncentral percentile
    lam_hi = fit.rmsea_high**2 * df * (n - 1)
    assert sps.ncx2.cdf(chi2, df, lam_hi) == pytest.approx(0.05, abs=1e-3)
    resid = r - implied
    iu = np.triu_indices(k)
    assert fit.srmr == pytest.approx(np.sqrt(np.mean(resid[iu] ** 2)), abs=1e-4)
    assert fit.rmsea > 0.02  # the planted misfit shows


def test_convergent_grouped_equals_one_call_per_group(pairs):
    """Per group exactly what convergent() gives on that group's pairs (itself checked
    against pingouin above); small and degenerate groups come back as NaN."""
    from stats.validity import CONVERGENT_FIELDS, convergent_grouped

    a, b = pairs
    rng = np.random.default_rng(4)
    groups = rng.choice(np.array(["x", "y", "z"]), size=a.size, p=[0.5, 0.4, 0.1])
    # a group of three pairs (too few) and a constant one (not estimable)
    a = np.r_[a, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0, 4.0]
    b = np.r_[b, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    groups = np.concatenate([groups, ["few"] * 3 + ["flat"] * 4])
    out = convergent_grouped(a, b, groups).set_index("group")
    assert list(out.index) == ["few", "flat", "x", "y", "z"]
    for g in ["flat", "x", "y", "z"]:
        with np.errstate(all="ignore"):
            one = convergent(a[groups == g], b[groups == g])
        assert out.loc[g, "n"] == one.n
        for field in CONVERGENT_FIELDS:
            expected = getattr(one, field)
            if np.isnan(expected):  # undefined for the flat group, as in one call
                assert np.isnan(out.loc[g, field])
            else:
                assert out.loc[g, field] == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert np.isnan(out.loc["flat", "r"])
    assert out.loc["few", "n"] == 3 and out.loc["few", list(CONVERGENT_FIELDS)].isna().all()
