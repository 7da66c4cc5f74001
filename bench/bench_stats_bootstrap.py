"""Percentile bootstrap of alpha, 2,000 resamples of 100k questionnaires x 9 items.

Measured in the same run:
  naive   resample rows by index (x[idx]) and recompute the covariance, per resample; timed on
          a few resamples and scaled to B (this is what a copy-the-data bootstrap costs)
  ours    stats.bootstrap.alpha_bootstrap: exact multinomial counts, one matrix product of the
          counts with per-row features (float32, exact for integer answers), two threads
Goal (issue 5): <= 1 s for B = 2,000 on 100k x 9.
Run: .venv/bin/python bench/bench_stats_bootstrap.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats.bootstrap import alpha_bootstrap


def alpha_of(x: np.ndarray) -> float:
    c = np.cov(x, rowvar=False)
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="B = 500 instead of 2,000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n, k = 100_000, 9
    b = 500 if args.quick else 2000
    rng = np.random.default_rng(0)
    eta = rng.standard_normal(n)
    x = np.clip(np.round(3 + 0.8 * eta[:, None] + 0.9 * rng.standard_normal((n, k))), 1, 5)
    xm = x.copy()
    xm[rng.random(x.shape) < 0.02] = np.nan

    n_naive = 40
    t0 = time.perf_counter()
    for _ in range(n_naive):
        alpha_of(x[rng.integers(0, n, n)])
    t_naive = (time.perf_counter() - t0) / n_naive * b

    def timed(data: np.ndarray, missing: str) -> float:
        best = np.inf
        for _ in range(args.repeat):
            t = time.perf_counter()
            alpha_bootstrap(data, n_boot=b, seed=1, missing=missing)  # type: ignore[arg-type]
            best = min(best, time.perf_counter() - t)
        return best

    t_ours = timed(x, "pairwise")
    t_list = timed(xm, "listwise")
    t_pair = timed(xm, "pairwise")
    print(f"bootstrap B = {b:,} on {n:,} x {k} items")
    print(f"{'naive index resampling (scaled from 40)':44s} {t_naive:7.2f} s")
    print(f"{'ours, complete data':44s} {t_ours:7.2f} s   {t_naive / t_ours:5.1f}x faster")
    print(f"{'ours, 2 % missing, listwise':44s} {t_list:7.2f} s   {t_naive / t_list:5.1f}x faster")
    print(f"{'ours, 2 % missing, pairwise':44s} {t_pair:7.2f} s   {t_naive / t_pair:5.1f}x faster")
    print(f"goal: <= 1 s (complete data: {t_ours:.2f} s, {t_ours / 1.0:.2f}x the goal)")


if __name__ == "__main__":
    main()
