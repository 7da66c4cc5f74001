"""Bootstrap: exact multinomial counts, replicate algebra against pingouin on expanded data."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as sps

from stats.bootstrap import _alpha_from_sums, _features, alpha_bootstrap, multinomial_counts
from stats.reliability import reliability


@pytest.mark.parametrize("n", [50, 20_000])  # direct path and Poisson-table path
def test_counts_are_multinomial(n):
    rng = np.random.default_rng(11)
    w = multinomial_counts(n, 400, rng)
    assert w.shape == (400, n)
    assert np.all(w.sum(axis=1) == n)
    assert np.all(w == np.round(w)) and w.min() >= 0
    # each cell is Binomial(n, 1/n): chi-square goodness of fit on the pooled cell counts
    cells = w[:, : min(n, 2000)].ravel().astype(int)
    kmax = 5
    obs = np.bincount(np.minimum(cells, kmax), minlength=kmax + 1)
    p = sps.binom.pmf(np.arange(kmax), n, 1 / n)
    p = np.append(p, 1 - p.sum())
    chi2 = ((obs - cells.size * p) ** 2 / (cells.size * p)).sum()
    assert chi2 < sps.chi2.ppf(0.999, kmax)
    # two cells of one multinomial are negatively correlated: cov = -1/n
    c = np.cov(w[:, 0], w[:, 1])[0, 1]
    assert abs(c + 1 / n) < 0.2


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_replicate_alpha_equals_pingouin_on_resampled_rows(policy):
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, size=(60, 4)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    fc, fi, k = _features(x - 3.0, policy)
    inc = np.isnan(x).any(axis=1)
    ordered = x[~inc] if policy == "listwise" else np.vstack([x[~inc], x[inc]])
    w = multinomial_counts(ordered.shape[0], 5, np.random.default_rng(2))
    nc = fc.shape[0]
    sc = w[:, :nc] @ fc
    si = w[:, nc:] @ fi if fi is not None else None
    ours = _alpha_from_sums(sc, si, k, ordered.shape[0], fi is None)
    for b in range(5):
        expanded = pd.DataFrame(np.repeat(ordered, w[b].astype(int), axis=0))
        ref = pg.cronbach_alpha(expanded, nan_policy=policy)[0]
        assert ours[b] == pytest.approx(ref, abs=1e-10)


def test_bootstrap_is_seeded_and_thread_independent():
    rng = np.random.default_rng(1)
    x = np.clip(np.round(3 + rng.standard_normal((5000, 1)) + rng.standard_normal((5000, 5))), 1, 5)
    a = alpha_bootstrap(x, n_boot=300, seed=42, threads=1)
    b = alpha_bootstrap(x, n_boot=300, seed=42, threads=2)
    c = alpha_bootstrap(x, n_boot=300, seed=43, threads=2)
    assert np.array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)
    assert a.alpha == pytest.approx(reliability(x).alpha, abs=1e-12)
    assert a.ci[0] < a.alpha < a.ci[1]
    # percentile CI is type-7 quantiles of the replicates
    assert a.ci == pytest.approx(tuple(np.quantile(a.replicates, [0.025, 0.975])))
    # bootstrap SE agrees with the ADF SE (both nonparametric) to Monte-Carlo accuracy
    assert np.std(a.replicates) == pytest.approx(reliability(x).scale["ase_adf"], rel=0.2)


def test_reliability_reports_bootstrap_ci():
    rng = np.random.default_rng(1)
    x = np.clip(np.round(3 + rng.standard_normal((300, 1)) + rng.standard_normal((300, 4))), 1, 5)
    r = reliability(x, n_boot=200, seed=3)
    assert r.ci_bootstrap is not None
    assert r.ci_bootstrap == alpha_bootstrap(x, n_boot=200, seed=3).ci
