"""The achievable benchmark of care (ABC; Kiefe et al. 1998, Int J Qual Health Care 10:443,
used for feedback in Kiefe et al. 2001, JAMA 285:2871): the "pared-mean" share of the best
units covering at least 10 % of all respondents.

1. Each unit's *adjusted performance fraction* APF = (x + 1) / (n + 2) ranks the units, so a
   small unit with 1/1 does not outrank one with 18/20 (Bayesian estimator, uniform prior).
2. Take units from the top of that ranking until they hold at least ``coverage`` of all
   respondents; units tied on APF with the last one taken are taken too (the result does not
   depend on the order of ties).
3. The benchmark is the pooled share of those units, on their raw counts: sum(x) / sum(n).

For a target where lower is better (``lower_is_better``, e.g. "at most 10 % answer 1 or 2")
the same is done on the complementary counts and the share returned as 1 - that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class AchievableBenchmark:
    share: float  # NaN when there are no respondents
    successes: int  # in the top units (raw, not adjusted)
    n: int  # respondents in the top units
    units: int  # number of top units
    units_total: int
    n_total: int


def achievable_benchmark(
    successes: ArrayLike,
    n: ArrayLike,
    *,
    coverage: float = 0.10,
    lower_is_better: bool = False,
) -> AchievableBenchmark:
    """The achievable benchmark over units with ``successes[i]`` of ``n[i]`` (module doc)."""
    x = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    if x.shape != m.shape or np.any(x < 0) or np.any(x > m):
        raise ValueError("successes and n must match and 0 <= successes <= n")
    keep = m > 0
    x, m = x[keep], m[keep]
    if lower_is_better:
        x = m - x
    total = float(m.sum())
    if total == 0:
        return AchievableBenchmark(float("nan"), 0, 0, 0, 0, 0)
    apf = (x + 1.0) / (m + 2.0)
    order = np.argsort(-apf, kind="stable")
    covered = np.cumsum(m[order])
    last = int(np.searchsorted(covered, coverage * total - 1e-9))  # first position reaching it
    cutoff = apf[order][last]
    top = apf >= cutoff - 1e-12
    top_x, top_n = float(x[top].sum()), float(m[top].sum())
    share = top_x / top_n
    if lower_is_better:
        share, top_x = 1.0 - share, top_n - top_x
    return AchievableBenchmark(
        share=share,
        successes=round(top_x),
        n=int(top_n),
        units=int(top.sum()),
        units_total=int(m.size),
        n_total=int(total),
    )
