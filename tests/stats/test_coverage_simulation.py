"""Coverage of the Feldt and percentile-bootstrap 95 % CIs for alpha (slow, runs in CI).

Model: k parallel normal items x_j = f + e_j, var f = 1, var e_j = s2, so the true alpha is
k / (k + s2) (= 0.75 for k = 6, s2 = 2). Feldt's interval is exact for this model.

Monte-Carlo error: with R replications the SE of an observed coverage p is sqrt(p (1 - p) / R),
0.0049 for R = 2000, so the 93.5-96.5 % band is +-3.1 SE around 95 %: a method with exact 95 %
coverage fails it with probability ~0.2 %. The percentile bootstrap is only asymptotically exact
(typically ~0.5 point low at n = 200), so it gets n = 300 and R = 2000 with B = 399 resamples
(B affects the interval's own noise, not its coverage, to first order).
"""

import numpy as np
import pytest

from stats.bootstrap import alpha_bootstrap
from stats.moments import moments_grouped
from stats.reliability import scale_tables

K, S2 = 6, 2.0
TRUE_ALPHA = K / (K + S2)


def _simulate(rng, reps, n):
    f = rng.standard_normal((reps, n, 1))
    return (f + np.sqrt(S2) * rng.standard_normal((reps, n, K))).reshape(reps * n, K)


@pytest.mark.slow
def test_feldt_coverage():
    reps, n = 2000, 100
    x = _simulate(np.random.default_rng(20240501), reps, n)
    codes = np.repeat(np.arange(reps), n)
    scales, _ = scale_tables(moments_grouped(x, codes, reps))
    hit = (scales["ci_feldt_low"] <= TRUE_ALPHA) & (scales["ci_feldt_high"] >= TRUE_ALPHA)
    cover = float(hit.mean())
    print(f"coverage {cover:.4f}")
    assert 0.935 <= cover <= 0.965, cover


@pytest.mark.slow
def test_bootstrap_coverage():
    reps, n = 2000, 300
    rng = np.random.default_rng(7)
    x = _simulate(rng, reps, n).reshape(reps, n, K)
    seeds = np.random.SeedSequence(99).spawn(reps)
    hit = 0
    for r in range(reps):
        lo, hi = alpha_bootstrap(x[r], n_boot=399, seed=seeds[r], threads=1).ci
        hit += lo <= TRUE_ALPHA <= hi
    cover = hit / reps
    print(f"coverage {cover:.4f}")
    assert 0.935 <= cover <= 0.965, cover
