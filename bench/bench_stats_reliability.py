"""Grouped reliability on a long table: stats/ against pingouin per group and a Gram floor.

Data: N questionnaires x 26 Likert items (one-factor model, 1..5), 2 % of answers missing at
random, in ~100 groups (25 associations x 2 forms x 2 periods), rows in random order.

Measured in the same run, best of --repeat (pingouin: best of 2):
  pingouin   pingouin.cronbach_alpha per group after a pandas groupby (alpha + Feldt CI only),
             imported beforehand (the bench used to time the first call, import included:
             ~1.2 s of its ~2.5 s)
  floor      the least work any grouped covariance needs: radix sort by group, copy the rows,
             one BLAS X'X per group, on NaN-free (zero-filled) float64 values prepared
             beforehand in row-major order (the fastest layout for the row copy). It is timed
             with OpenBLAS's default threads and with one thread (what ``stats`` uses; on a busy
             machine the threaded BLAS is several times slower on these skinny products) and
             the faster of the two counts, so the floor is as tight as numpy makes it.
  ours       stats.grouped.reliability_arrays: every scale and item statistic for every group
             (alpha raw/std, Feldt, normal-theory and ADF SEs, lambda6, omega, r stats,
             alpha-if-dropped, category shares ...), on the item matrix as a DataFrame hands it
             over (column-major, NaN for missing). Also the DataFrame entry point, which adds
             pandas' grouping of the three key columns (~0.1 s for string keys).

Goals (issue 5): >= 20x pingouin-per-group, <= 2x the Gram floor.
Run: .venv/bin/python bench/bench_stats_reliability.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from stats._blas import single_threaded_blas
from stats.grouped import reliability_arrays, reliability_grouped


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def make_data(n: int, k: int, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    eta = rng.standard_normal(n)
    x = np.clip(np.round(3 + 0.8 * eta[:, None] + 0.9 * rng.standard_normal((n, k))), 1, 5)
    x[rng.random((n, k)) < 0.02] = np.nan
    items = [f"p{j + 1}" for j in range(k)]
    df = pd.DataFrame(x, columns=items)
    df.insert(0, "association", rng.integers(0, 25, n))
    df.insert(1, "form", rng.choice(["participant-during", "participant-exit"], n))
    df.insert(2, "period", rng.choice(["2015H1", "2015H2"], n))
    return df, items


def gram_floor(values0: np.ndarray, codes: np.ndarray, n_groups: int) -> list[np.ndarray]:
    order = np.argsort(codes.astype(np.int16), kind="stable")
    xs = np.take(values0, order, axis=0)
    starts = np.r_[0, np.cumsum(np.bincount(codes, minlength=n_groups))]
    return [xs[a:b].T @ xs[a:b] for a, b in itertools.pairwise(starts)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100k questionnaires instead of 1M")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = 100_000 if args.quick else 1_000_000
    k = 26
    keys = ["association", "form", "period"]
    df, items = make_data(n, k)
    codes = df.groupby(keys, sort=True).ngroup().to_numpy()
    g_n = int(codes.max()) + 1
    values = df[items].to_numpy(dtype=np.float64)
    values0 = np.ascontiguousarray(np.nan_to_num(values))
    complete = np.where(np.isnan(values), 3.0, values)
    print(f"{n:,} questionnaires x {k} items, {g_n} groups, 2 % missing answers")

    import pingouin as pg  # imported before timing: the import alone takes ~1 s

    def pingouin_per_group() -> None:
        for _, sub in df.groupby(keys, sort=True):
            pg.cronbach_alpha(sub[items], nan_policy="pairwise")

    t_pg = best(pingouin_per_group, 2)
    cats = range(1, 6)

    def floor_one_thread() -> None:
        with single_threaded_blas():
            gram_floor(values0, codes, g_n)

    variants: list[tuple[str, Callable[[], object]]] = [
        ("floor, default BLAS threads", lambda: gram_floor(values0, codes, g_n)),
        ("floor, one BLAS thread", floor_one_thread),
        ("ours, arrays, pairwise", lambda: reliability_arrays(values, codes, g_n, categories=cats)),
        ("ours, arrays, listwise", lambda: reliability_arrays(values, codes, g_n,
                                                               missing="listwise",
                                                               categories=cats)),
        ("ours, arrays, no missing data", lambda: reliability_arrays(complete, codes, g_n,
                                                                      categories=cats)),
        ("ours, DataFrame API, pairwise", lambda: reliability_grouped(df, items=items, by=keys,
                                                                       categories=cats)),
    ]  # fmt: skip
    # interleave the variants so that background load hits them alike; keep each one's best
    times = dict.fromkeys([label for label, _ in variants], np.inf)
    for _ in range(args.repeat):
        for label, fn in variants:
            times[label] = min(times[label], best(fn, 1))
    t_floor = min(times.pop(variants[0][0]), times.pop(variants[1][0]))
    rows = list(times.items())

    print(f"{'pingouin per group (alpha + Feldt only)':42s} {t_pg * 1e3:9.1f} ms")
    print(f"{'Gram floor (sort + copy + X^T X per group)':42s} {t_floor * 1e3:9.1f} ms")
    for label, t in rows:
        print(
            f"{label:42s} {t * 1e3:9.1f} ms   {t_pg / t:6.1f}x faster than pingouin"
            f"   {t / t_floor:5.2f}x the Gram floor"
        )
    print("goals: >= 20x pingouin, <= 2x the Gram floor")


if __name__ == "__main__":
    main()
