"""Percentile bootstrap for coefficient alpha without copying the data.

A resample is a vector of multinomial counts w (how often each row is drawn, summing to n).
Alpha only needs weighted sums of a few per-row features, so B resamples are one matrix product
W (B x n) @ F (n x m) -- the rows are never copied. Complete rows need m = k(k+1)/2 + k + 1
features (or k + 2 for listwise / no missing data, where only the total and sum of item squares
matter); rows with a missing cell carry the per-pair features of the pairwise rule.

Counts are exact multinomial draws, generated cheaply: Poisson(lam) counts per row (lam a little
below 1) from 16 random bits and a lookup table, plus n - N' extra uniform draws. Given their
total N', Poisson counts are N' uniform draws, so topping up gives exactly Multinomial(n, 1/n).
Table cells that straddle a Poisson quantile are resolved with a fresh uniform, so the Poisson
draw is exact too. Chunks of resamples run on two threads with independent, seeded streams.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

from stats.moments import FloatArray, Missing

_CHUNK = 64
_DIRECT_BELOW = 4096


@dataclass(frozen=True)
class BootstrapResult:
    """Replicates of raw alpha and the percentile CI (R ``quantile`` type 7, as psych)."""

    alpha: float
    replicates: FloatArray
    ci: tuple[float, float]
    level: float
    n_boot: int
    missing: Missing


@lru_cache(maxsize=8)
def _poisson_table(lam: float) -> tuple[NDArray[np.uint8], FloatArray]:
    """Inverse-CDF table on 16-bit cells; 255 marks a cell that straddles a quantile."""
    kmax = 40
    cdf = sps.poisson.cdf(np.arange(kmax), lam)
    lo = np.arange(65536) / 65536.0
    hi = (np.arange(65536) + 1) / 65536.0
    v_lo = np.searchsorted(cdf, lo, side="right")
    v_hi = np.searchsorted(cdf, np.nextafter(hi, 0.0), side="right")
    table = np.where(v_lo == v_hi, v_lo, 255).astype(np.uint8)
    return table, cdf


def multinomial_counts(
    n: int, n_rep: int, rng: np.random.Generator, out: FloatArray | None = None
) -> NDArray[np.float64]:
    """(n_rep, n) exact Multinomial(n, uniform) counts: how often each row is resampled.

    ``out`` is an optional reusable float64 buffer of at least n_rep * n elements (writing into
    a warm buffer is ~10x faster than a fresh allocation at this size).
    """
    w = np.empty((n_rep, n)) if out is None else out.ravel()[: n_rep * n].reshape(n_rep, n)
    if n < _DIRECT_BELOW:
        idx = rng.integers(0, n, size=(n_rep, n)) + (np.arange(n_rep) * n)[:, None]
        np.copyto(w, np.bincount(idx.ravel(), minlength=n_rep * n).reshape(n_rep, n))
        return w
    lam = 1.0 - 6.0 / np.sqrt(n)
    table, cdf = _poisson_table(lam)
    n_cells = n_rep * n
    raw = rng.bit_generator.random_raw((n_cells + 3) // 4).view(np.uint16)[:n_cells]
    cnt = table[raw]
    amb = np.flatnonzero(cnt == 255)
    if amb.size:
        u = (raw[amb].astype(np.float64) + rng.random(amb.size)) / 65536.0
        cnt[amb] = np.searchsorted(cdf, u, side="right").astype(np.uint8)
    c2 = cnt.reshape(n_rep, n)
    np.copyto(w, c2)
    short = n - c2.sum(axis=1, dtype=np.int64)
    for r in np.flatnonzero(short < 0):  # N' > n: probability ~1e-9 per replicate; redraw it
        w[r] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        short[r] = 0
    extra = rng.integers(0, n, size=int(short.sum()))
    flat = np.repeat(np.arange(n_rep, dtype=np.int64) * n, short) + extra
    np.add.at(w.reshape(-1), flat, 1.0)
    return w


def _features(x: FloatArray, missing: Missing) -> tuple[FloatArray, FloatArray | None, int]:
    """Per-row features whose weighted sums determine raw alpha.

    Returns (complete-row features, incomplete-row features or None, k).
    """
    _n, k = x.shape
    miss = np.isnan(x)
    inc = miss.any(axis=1)
    if missing == "listwise" or not inc.any():
        xc = x[~inc]
        return np.column_stack([xc, (xc * xc).sum(axis=1), xc.sum(axis=1) ** 2]), None, k
    xc = x[~inc]
    iu = np.triu_indices(k)
    fc = np.column_stack([np.ones(len(xc)), xc, (xc[:, iu[0]] * xc[:, iu[1]])])
    xi = np.where(miss[inc], 0.0, x[inc])
    mi = (~miss[inc]).astype(np.float64)
    # per ordered pair (j, l): m_j m_l, x_j m_l, x_j x_l, x_j^2 m_l
    mm = np.einsum("ij,il->ijl", mi, mi).reshape(len(xi), -1)
    xm = np.einsum("ij,il->ijl", xi, mi).reshape(len(xi), -1)
    xx = np.einsum("ij,il->ijl", xi, xi).reshape(len(xi), -1)
    x2m = np.einsum("ij,il->ijl", xi * xi, mi).reshape(len(xi), -1)
    return fc, np.column_stack([mm, xm, xx, x2m]), k


def _alpha_from_sums(
    sc: FloatArray, si: FloatArray | None, k: int, n: FloatArray | int, listwise_like: bool
) -> FloatArray:
    kk = k / (k - 1.0)
    if listwise_like:
        s1 = sc[:, :k]
        tot = s1.sum(axis=1)
        var_sum = sc[:, k] - (s1 * s1).sum(axis=1) / n
        var_tot = sc[:, k + 1] - tot * tot / n
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(kk * (1.0 - var_sum / var_tot))
    b = sc.shape[0]
    iu = np.triu_indices(k)
    ncomp = sc[:, 0]
    s1 = sc[:, 1 : k + 1]
    q = np.zeros((b, k, k))
    q[:, iu[0], iu[1]] = sc[:, k + 1 :]
    q = q + np.swapaxes(q, 1, 2) - q * np.eye(k)
    nn = np.broadcast_to(ncomp[:, None, None], (b, k, k)).copy()
    ss = np.broadcast_to(s1[:, :, None], (b, k, k)).copy()
    if si is not None:
        kk2 = k * k
        nn += si[:, :kk2].reshape(b, k, k)
        ss += si[:, kk2 : 2 * kk2].reshape(b, k, k)
        q += si[:, 2 * kk2 : 3 * kk2].reshape(b, k, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (q - ss * np.swapaxes(ss, 1, 2) / nn) / (nn - 1.0)
        tr = np.trace(cov, axis1=1, axis2=2)
        return np.asarray(kk * (1.0 - tr / cov.sum(axis=(1, 2))))


def alpha_bootstrap(
    data: ArrayLike,
    *,
    n_boot: int = 2000,
    seed: int | np.random.SeedSequence | None = None,
    missing: Missing = "pairwise",
    level: float = 0.95,
    threads: int = 2,
) -> BootstrapResult:
    """Percentile bootstrap CI for raw alpha: rows resampled with replacement, ``n_boot`` times.

    Each replicate's alpha follows the same missing-data rule as the estimate (pairwise:
    covariances from the pairwise-complete rows of the resample; listwise: complete rows only).
    The result is reproducible for a given ``seed`` whatever the thread count.
    """
    x = np.asarray(data, dtype=np.float64)
    if hasattr(data, "to_numpy"):
        x = np.asarray(data.to_numpy(dtype=np.float64, na_value=np.nan))
    if x.ndim != 2 or x.shape[1] < 2:
        raise ValueError("need a rows x items array with at least two items")
    # covariances are shift-invariant: centring keeps the weighted sums free of cancellation
    with np.errstate(invalid="ignore"):
        centre = np.nanmean(x, axis=0)
    x = x - np.where(np.isfinite(centre), np.round(centre), 0.0)
    fc, fi, k = _features(x, missing)
    listwise_like = fi is None
    # resampled rows: complete rows first (features fc), then incomplete ones (features fi)
    n_rows = fc.shape[0] if listwise_like else x.shape[0]
    n_eff = n_rows
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    n_chunks = -(-n_boot // _CHUNK)
    children = seq.spawn(n_chunks)
    nc = fc.shape[0]

    n_threads = max(1, min(threads, n_chunks))
    parts: list[FloatArray] = [np.empty(0)] * n_chunks

    def worker(tid: int) -> None:
        buf = np.empty(_CHUNK * n_rows)  # one warm buffer per thread
        for ci in range(tid, n_chunks, n_threads):
            rng = np.random.Generator(np.random.PCG64(children[ci]))
            reps = min(_CHUNK, n_boot - ci * _CHUNK)
            w = multinomial_counts(n_rows, reps, rng, out=buf)
            sc = w[:, :nc] @ fc
            si = w[:, nc:] @ fi if fi is not None else None
            parts[ci] = _alpha_from_sums(sc, si, k, n_eff, listwise_like)

    if n_threads > 1:
        with ThreadPoolExecutor(n_threads) as ex:
            list(ex.map(worker, range(n_threads)))
    else:
        worker(0)
    reps_alpha = np.concatenate(parts)
    ones = np.ones((1, n_rows))
    est = _alpha_from_sums(
        ones[:, :nc] @ fc, ones[:, nc:] @ fi if fi is not None else None, k, n_eff, listwise_like
    )
    p = (1.0 - level) / 2.0
    finite = reps_alpha[np.isfinite(reps_alpha)]
    lo, hi = np.quantile(finite, [p, 1.0 - p]) if finite.size else (np.nan, np.nan)
    return BootstrapResult(
        alpha=float(est[0]),
        replicates=reps_alpha,
        ci=(float(lo), float(hi)),
        level=level,
        n_boot=n_boot,
        missing=missing,
    )
