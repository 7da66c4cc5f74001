"""Funnel limits and overdispersion against direct binomial computations and simulation."""

import numpy as np
import pytest
from scipy import stats as sps

from stats.funnel import binomial_limit, funnel_limits, overdispersion


def test_binomial_limit_by_hand():
    # n = 20, p0 = 0.8: 2.5 % quantile r = 12 (F(12) = 0.0321 >= 0.025, F(11) = 0.00998)
    n, p0, p = 20, 0.8, 0.025
    f12, f11 = sps.binom.cdf(12, n, p0), sps.binom.cdf(11, n, p0)
    assert sps.binom.ppf(p, n, p0) == 12
    expected = (12 - (f12 - p) / (f12 - f11)) / n
    assert float(binomial_limit(n, p0, p)) == pytest.approx(expected, abs=1e-14)
    assert 11 / 20 < expected < 12 / 20


def test_limits_approach_normal_for_large_n():
    p0 = 0.8
    n = np.array([20000.0, 100000.0])
    lim = funnel_limits(n, p0)
    for lev, tag in [(0.95, "95"), (0.998, "99.8")]:
        z = sps.norm.isf((1 - lev) / 2)
        s = np.sqrt(p0 * (1 - p0) / n)
        assert lim[f"low_{tag}"].to_numpy() == pytest.approx(p0 - z * s, abs=2e-4)
        assert lim[f"high_{tag}"].to_numpy() == pytest.approx(p0 + z * s, abs=2e-4)


def test_limits_have_nominal_exceedance():
    # P(y/n < exact 95 % low limit) is at most 2.5 % and close to it
    n, p0 = 57, 0.7
    low = float(binomial_limit(n, p0, 0.025))
    below = sps.binom.cdf(np.ceil(low * n) - 1, n, p0)
    assert 0.01 < below <= 0.025


def test_overdispersion_hand_example():
    y = np.array([8, 15, 30, 12, 40])
    n = np.array([10, 20, 50, 20, 50])
    p0 = 0.7
    z = (y / n - p0) / np.sqrt(p0 * 0.3 / n)
    lo, hi = np.quantile(z, [0.1, 0.9])
    zw = np.clip(z, lo, hi)
    phi = np.mean(zw**2)
    w = n / (p0 * 0.3)
    tau2 = max(0.0, (5 * phi - 4) / (w.sum() - (w**2).sum() / w.sum()))
    od = overdispersion(y, n, p0)
    assert od.phi == pytest.approx(phi)
    assert od.tau2 == pytest.approx(tau2)
    assert od.df == 5
    assert od.p_value == pytest.approx(sps.chi2.sf(5 * phi, 5))


def test_overdispersion_detects_beta_binomial_and_not_binomial():
    rng = np.random.default_rng(3)
    n = rng.integers(30, 300, size=80)
    y_bin = rng.binomial(n, 0.75)
    p_i = rng.beta(0.75 * 20, 0.25 * 20, size=80)  # extra-binomial spread
    y_bb = rng.binomial(n, p_i)
    assert not overdispersion(y_bin, n).overdispersed
    od = overdispersion(y_bb, n)
    assert od.overdispersed and od.phi > 1.5 and od.tau2 > 0
    lim = funnel_limits(n, 0.75, phi=od.phi, tau2=od.tau2)
    assert np.all(lim["high_95_phi"] >= lim["high_95"] - 0.02)
