"""Polychoric estimator against scipy's bivariate normal CDF and a brute-force ML."""

import numpy as np
import pytest
from scipy import optimize, special
from scipy.stats import multivariate_normal

from stats.polychoric import bivariate_normal_cdf, polychoric, polychoric_tables
from stats.reliability import reliability


def _scipy_phi2(h, k, r):
    h, k = np.clip(h, -12, 12), np.clip(k, -12, 12)
    return multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([h, k])


@pytest.mark.parametrize("r", [-0.99, -0.7, -0.2, 0.0, 0.3, 0.6, 0.9, 0.99])
def test_bivariate_cdf_matches_scipy(r):
    pts = [(-1.5, 0.3), (0.0, 0.0), (1.2, 1.1), (-0.4, -2.0), (2.5, -0.5), (0.7, np.inf)]
    for h, k in pts:
        assert float(bivariate_normal_cdf(h, k, r)) == pytest.approx(_scipy_phi2(h, k, r),
                                                                      abs=2e-7)  # fmt: skip
    # the symmetric orthant has a closed form: 1/4 + asin(r) / (2 pi)
    assert float(bivariate_normal_cdf(0, 0, r)) == pytest.approx(0.25 + np.arcsin(r) / (2 * np.pi),
                                                                  abs=1e-13)  # fmt: skip


def _expected_table(rho, ta, tb, n):
    ta = np.r_[-np.inf, ta, np.inf]
    tb = np.r_[-np.inf, tb, np.inf]
    f = np.array([[_scipy_phi2(a, b, rho) for b in tb] for a in ta])
    return n * (f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1])


@pytest.mark.parametrize("rho", [-0.4, 0.0, 0.35, 0.8])
def test_recovers_rho_from_an_exact_table(rho):
    ta, tb = np.array([-1.2, -0.3, 0.5, 1.4]), np.array([-0.8, 0.1, 1.0])
    table = _expected_table(rho, ta, tb, 1000.0)
    est, se = polychoric_tables(table)
    assert float(est[0]) == pytest.approx(rho, abs=2e-6)
    assert 0 < float(se[0]) < 0.1


def test_tetrachoric_closed_form():
    # equal margins at 1/2: P(both high) = 1/4 + asin(rho) / (2 pi)
    a, b = 35.0, 15.0
    est, _ = polychoric_tables(np.array([[a, b], [b, a]]))
    p11 = a / 100
    assert float(est[0]) == pytest.approx(np.sin(2 * np.pi * (p11 - 0.25)), abs=1e-8)


def test_matches_brute_force_ml_on_random_tables():
    rng = np.random.default_rng(4)
    for _ in range(3):
        table = rng.integers(0, 30, size=(4, 5)).astype(float) + np.eye(4, 5) * 40
        ta = special.ndtri(np.cumsum(table.sum(1))[:-1] / table.sum())
        tb = special.ndtri(np.cumsum(table.sum(0))[:-1] / table.sum())

        def nll(r, ta=ta, tb=tb, table=table):
            p = _expected_table(r, ta, tb, 1.0)
            return -(table * np.log(np.maximum(p, 1e-300))).sum()

        ref = optimize.minimize_scalar(nll, bounds=(-0.99, 0.99), method="bounded",
                                       options={"xatol": 1e-9}).x  # fmt: skip
        est, _ = polychoric_tables(table)
        assert float(est[0]) == pytest.approx(ref, abs=1e-5)


def test_matrix_from_discretised_normal_data_and_ordinal_alpha():
    rng = np.random.default_rng(8)
    lam = np.array([0.8, 0.7, 0.75, 0.6])
    true_r = np.outer(lam, lam)
    np.fill_diagonal(true_r, 1)
    z = rng.multivariate_normal(np.zeros(4), true_r, size=20000)
    x = np.digitize(z, [-1.5, -0.5, 0.4, 1.2]).astype(float) + 1  # 1..5
    x[rng.random(x.shape) < 0.03] = np.nan
    pc = polychoric(x)
    assert np.abs(pc.matrix - true_r).max() < 0.03
    assert pc.thresholds[0] == pytest.approx([-1.5, -0.5, 0.4, 1.2], abs=0.05)
    r = reliability(x, ordinal=True)
    k = 4
    true_ord = k / (k - 1) * (1 - k / true_r.sum())
    assert r.alpha_ordinal == pytest.approx(true_ord, abs=0.01)
    assert r.alpha_ordinal > r.scale["alpha_std"]  # discretisation attenuates Pearson r
