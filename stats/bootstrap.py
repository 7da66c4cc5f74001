"""Percentile bootstrap for coefficient alpha without copying the data.

A resample is a vector of multinomial counts w (how often each row is drawn, summing to n).
Alpha only needs weighted sums of a few per-row features, so B resamples are one matrix product
W (B x n) @ F (n x m) -- the rows are never copied. Complete rows need m = k(k+1)/2 + k + 1
features (or k + 2 for listwise / no missing data, where only the total and sum of item squares
matter); rows with a missing cell add their missing indicators and indicator products, from
which the pairwise counts and sums follow (k(k+1)/2 + k(k-1) + k more).

For integer answers (any Likert scale) the counts and features are float32 and the product is
a float32 BLAS call: features are split into "limbs" small enough that every partial sum stays
below 2**24, so the float32 sums are exact and the replicates equal the float64 ones bitwise, at
half the memory traffic.

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

from stats._blas import single_threaded_blas
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
    _counts_into(w, rng)
    return w


def _counts_into(w: NDArray[np.floating], rng: np.random.Generator) -> None:
    """Fill ``w`` (n_rep, n), float64 or float32, with :func:`multinomial_counts`' counts (the
    same draws from ``rng``, so the same counts whatever the dtype)."""
    n_rep, n = w.shape
    if n < _DIRECT_BELOW:
        idx = rng.integers(0, n, size=(n_rep, n)) + (np.arange(n_rep) * n)[:, None]
        np.copyto(w, np.bincount(idx.ravel(), minlength=n_rep * n).reshape(n_rep, n))
        return
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
    short = n - c2.sum(axis=1, dtype=np.uint32).astype(np.int64)
    for r in np.flatnonzero(short < 0):  # N' > n: probability ~1e-9 per replicate; redraw it
        w[r] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        short[r] = 0
    extra = rng.integers(0, n, size=int(short.sum()))
    flat = np.repeat(np.arange(n_rep, dtype=np.int64) * n, short) + extra
    np.add.at(w.reshape(-1), flat, w.dtype.type(1))  # same dtype: numpy's fast path


def _f32_limbs(f: FloatArray, n: int) -> tuple[NDArray[np.float32], FloatArray] | None:
    """Integer features as float32 "limbs", f = limbs @ r, each limb at most (2**24 - 1) // n in
    absolute value.

    Weighted sums with non-negative integer weights totalling n are then exact in float32 (every
    partial sum stays below 2**24), and so equal the float64 ones. None when some feature is not
    an integer or n is too large for the split to help.
    """
    base = (2**24 - 1) // max(n, 1)
    if base < 2 or not np.all(np.isfinite(f)) or not np.array_equal(f, np.round(f)):
        return None
    cols: list[FloatArray] = []
    scales: list[float] = []
    owner: list[int] = []
    for c in range(f.shape[1]):
        v, scale = f[:, c], 1.0
        while np.abs(v).max(initial=0.0) > base:
            low = np.mod(v, base)
            cols.append(low)
            scales.append(scale)
            owner.append(c)
            v, scale = (v - low) / base, scale * base
        cols.append(v)
        scales.append(scale)
        owner.append(c)
    limbs = np.empty((f.shape[0], len(cols)), dtype=np.float32)
    for i, col in enumerate(cols):
        limbs[:, i] = col
    r = np.zeros((len(cols), f.shape[1]))
    r[np.arange(len(cols)), owner] = scales
    return limbs, r


def _features(x: FloatArray, missing: Missing) -> tuple[FloatArray, FloatArray | None, int]:
    """Per-row features whose weighted sums determine raw alpha.

    Returns (complete-row features, incomplete-row features or None, k). Listwise (or no missing
    data): x, sum of x^2 and (sum of x)^2 per complete row. Pairwise: complete rows carry 1, x and
    the products x_j x_l (j <= l); incomplete rows carry the same with missing x set to 0, plus
    the missing indicators z_j, the products z_j z_l (j <= l) and x_j z_l (j != l), from which
    the pairwise counts and sums follow: n_jl = sum (1 - z_j)(1 - z_l), s_jl = sum x_j (1 - z_l).
    """
    _n, k = x.shape
    miss = np.isnan(x)
    inc = miss.any(axis=1)
    if missing == "listwise" or not inc.any():
        xc = x[~inc]
        return np.column_stack([xc, (xc * xc).sum(axis=1), xc.sum(axis=1) ** 2]), None, k
    iu = np.triu_indices(k)
    od = np.nonzero(~np.eye(k, dtype=bool))

    def base(v: FloatArray) -> FloatArray:
        return np.column_stack([np.ones(len(v)), v, v[:, iu[0]] * v[:, iu[1]]])

    xi = np.where(miss[inc], 0.0, x[inc])
    zi = miss[inc].astype(np.float64)
    fi = np.column_stack([base(xi), zi, zi[:, iu[0]] * zi[:, iu[1]], xi[:, od[0]] * zi[:, od[1]]])
    return base(x[~inc]), fi, k


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
    n_base = sc.shape[1]
    sums = sc if si is None else sc + si[:, :n_base]
    q = np.zeros((b, k, k))
    q[:, iu[0], iu[1]] = sums[:, k + 1 :]
    q = q + np.swapaxes(q, 1, 2) - q * np.eye(k)
    nn = np.broadcast_to(sums[:, 0, None, None], (b, k, k)).copy()
    ss = np.broadcast_to(sums[:, 1 : k + 1, None], (b, k, k)).copy()
    if si is not None:
        zsum = si[:, n_base : n_base + k]
        zz = np.zeros((b, k, k))
        zz[:, iu[0], iu[1]] = si[:, n_base + k : n_base + k + iu[0].size]
        zz = zz + np.swapaxes(zz, 1, 2) - zz * np.eye(k)
        xz = np.zeros((b, k, k))
        xz[:, ~np.eye(k, dtype=bool)] = si[:, n_base + k + iu[0].size :]
        nn += zz - zsum[:, :, None] - zsum[:, None, :]
        ss -= xz
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
    # integer answers: float32 counts and feature limbs give exact (so identical) sums at half
    # the memory traffic of float64
    lc = _f32_limbs(fc, n_rows)
    li = _f32_limbs(fi, n_rows) if fi is not None else None
    f32 = lc is not None and (fi is None or li is not None)

    def worker(tid: int) -> None:
        buf = np.empty(_CHUNK * n_rows, dtype=np.float32 if f32 else np.float64)
        for ci in range(tid, n_chunks, n_threads):
            rng = np.random.Generator(np.random.PCG64(children[ci]))
            reps = min(_CHUNK, n_boot - ci * _CHUNK)
            w = buf[: reps * n_rows].reshape(reps, n_rows)
            _counts_into(w, rng)
            if f32 and lc is not None:
                sc = (w[:, :nc] @ lc[0]).astype(np.float64) @ lc[1]
                si = (w[:, nc:] @ li[0]).astype(np.float64) @ li[1] if li is not None else None
            else:
                sc = w[:, :nc] @ fc
                si = w[:, nc:] @ fi if fi is not None else None
            parts[ci] = _alpha_from_sums(sc, si, k, n_eff, listwise_like)

    with single_threaded_blas():
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
