"""Grouped sufficient statistics for item sets: one pass over the rows, one Gram matrix per group.

Everything the reliability formulas need is a sum over rows, so a group's statistics are a few
k x k matrices. Rows are sorted by group once; each group's block is a contiguous slice, and the
item cross-products come from one BLAS ``X.T @ X`` per group. Missing cells are zero-filled, and
the pairwise corrections (how many rows, and which sums, each pair really shares) come from the
rows that have a missing cell, not from a second pass over all rows.

Two paths give the same sums. Answers that are small integers (any Likert scale) take the fast
path: one pass turns them into one byte per cell, the bytes are sorted by group, and every sum is
a float32 BLAS product on blocks small enough that float32 sums of these integers are exact.
Any other data take the float64 path.

Missing-data rules
------------------
``pairwise`` (R ``cov(use="pairwise")``, the psych default): each covariance uses the rows where
both items are answered, with means taken over those same rows; an item's variance and mean use
every row where that item is answered.
``listwise`` (SPSS, jamovi, ``use="complete.obs"``): only rows with every item answered are used.
Category counts and the missing share are descriptive and always use every row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats._blas import single_threaded_blas

Missing = Literal["pairwise", "listwise"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_T = TypeVar("_T")


@dataclass(frozen=True)
class GroupedMoments:
    """Sums over rows, per group (leading axis G), for k items.

    Item values are shifted by the scalar ``shift`` before summing (keeps the sums small and,
    for integer data with an integer shift, exact). Covariances and correlations do not depend
    on the shift; means add it back.

    ``n[g, j, l]``  rows where items j and l are both answered (diagonal: item j answered)
    ``s[g, j, l]``  sum of x_j over those rows
    ``q[g, j, l]``  sum of x_j * x_l over those rows
    ``q2[g, j, l]`` sum of x_j ** 2 over those rows
    ``t_*``         sums involving the row mean of answered items T (psych's ``total``)
    ``counts``      answers per category (G, k, C), or None when the data are not on the scale
    """

    missing: Missing
    shift: float
    n_rows: IntArray
    n_any: IntArray
    n_complete: IntArray
    n: FloatArray
    s: FloatArray
    q: FloatArray
    q2: FloatArray
    t_sum: FloatArray  # (G,) sum of T over used rows
    t_sumsq: FloatArray  # (G,) sum of T^2 over used rows
    t_n: FloatArray  # (G,) rows with a defined T among used rows
    t_s: FloatArray  # (G, k) sum of T over rows where item j is used
    t_q: FloatArray  # (G, k) sum of T^2 over rows where item j is used
    t_x: FloatArray  # (G, k) sum of T * x_j over rows where item j is used
    counts: FloatArray | None
    categories: FloatArray | None
    adf_var: FloatArray  # (G,) ADF variance of raw alpha (complete rows), NaN if too few

    def cov(self) -> FloatArray:
        """Covariance matrices (G, k, k) under the moments' missing-data rule (n - 1 divisor)."""
        n = self.n
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (self.q - self.s * np.swapaxes(self.s, -1, -2) / n) / (n - 1)
        return c

    def means(self) -> FloatArray:
        """Item means (G, k) over the rows where the item is used."""
        d = np.diagonal(self.n, axis1=-2, axis2=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diagonal(self.s, axis1=-2, axis2=-1) / d + self.shift


def group_sort(codes: NDArray[np.integer], n_groups: int) -> tuple[IntArray | None, IntArray]:
    """Stable order that makes each group contiguous, and the group boundaries (G + 1,).

    Returns ``None`` for the order when the codes are already sorted (no copy needed).
    Small code ranges use numpy's radix sort (int16), which is linear in n.
    """
    codes = np.asarray(codes)
    counts = np.bincount(codes, minlength=n_groups).astype(np.int64)
    starts = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    if codes.size < 2 or bool(np.all(codes[1:] >= codes[:-1])):
        return None, starts
    small = codes.astype(np.int16) if n_groups < 32_000 else codes
    return np.argsort(small, kind="stable").astype(np.int64), starts


def _counts_from_power_sums(power: FloatArray, cats: FloatArray) -> FloatArray | None:
    """Answers per category from power sums S_p = sum x^p, p = 0..C-1 (last axis).

    On C known scale points the counts solve the Vandermonde system V n = S, V[p, c] = cat_c^p.
    The sums are exact integers for integer data, so the solution is rounded; a solution that is
    not a non-negative integer means some value is not a scale point.
    """
    c = cats.size
    v = cats[None, :] ** np.arange(c)[:, None]
    sol = np.linalg.solve(v, power.reshape(-1, c).T).T.reshape(power.shape)
    rounded = np.round(sol)
    if np.any(np.abs(sol - rounded) > 1e-6 * np.maximum(1.0, np.abs(sol))) or np.any(rounded < 0):
        return None
    return np.asarray(rounded)


def _resolve_categories(categories: ArrayLike | None, lo: float, hi: float) -> FloatArray | None:
    """The scale points: validated ``categories``, or lo..hi for integers on 2..7 points."""
    if categories is not None:
        cats = np.asarray(categories, dtype=np.float64)
        if cats.size < 2 or cats.size > 7 or np.any(np.diff(cats) <= 0):
            raise ValueError("categories must be 2..7 increasing scale points, e.g. 1..5")
        if np.any(cats != np.round(cats)):
            raise ValueError("categories must be integers")
        if np.isfinite(lo) and (lo < cats[0] or hi > cats[-1]):
            raise ValueError(f"values outside the categories {cats[0]:g}..{cats[-1]:g}")
        return cats
    if np.isfinite(lo) and lo == np.round(lo) and hi == np.round(hi) and 1 <= hi - lo <= 6:
        return np.arange(lo, hi + 1.0)
    return None


def moments_grouped(
    values: NDArray[np.floating],
    codes: NDArray[np.integer] | None = None,
    n_groups: int | None = None,
    *,
    missing: Missing = "pairwise",
    categories: ArrayLike | None = None,
) -> GroupedMoments:
    """Compute :class:`GroupedMoments` for an (n, k) array with NaN for missing answers.

    ``codes`` are group numbers 0..G-1 per row (None: one group). ``categories`` are the integer
    scale points (e.g. 1..5, at most 7 of them); None infers min..max when the data are integers
    on 2..7 points, otherwise category counts are skipped (None).

    Cost for integer answers on a small scale: one pass over the values (in cache-sized chunks)
    into one byte per cell, one sort of those bytes by group, then per group float32 BLAS
    products (Gram matrix, and for rows with a missing cell the pairwise corrections) and a few
    elementwise steps on cache-resident blocks. Other data: one sorted float64 copy and one Gram
    matrix per group.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("values must be a 2-D (rows x items) array")
    if missing not in ("pairwise", "listwise"):
        raise ValueError("missing must be 'pairwise' or 'listwise'")
    n_rows_total = x.shape[0]
    if codes is None:
        codes = np.zeros(n_rows_total, dtype=np.int64)
        n_groups = 1
    codes = np.asarray(codes)
    if n_groups is None:
        n_groups = int(codes.max()) + 1 if codes.size else 0
    with single_threaded_blas():
        fast = _small_int_moments(x, codes, n_groups, missing, categories)
        if fast is not None:
            return fast
        return _float_moments(x, codes, n_groups, missing, categories)


def _float_moments(
    x: FloatArray,
    codes: NDArray[np.integer],
    n_groups: int,
    missing: Missing,
    categories: ArrayLike | None,
) -> GroupedMoments:
    """General path (any real values): sorted float64 copy, one Gram matrix per group."""
    k = x.shape[1]
    order, starts = group_sort(codes, n_groups)
    xs = np.take(x, order, axis=0) if order is not None else x.copy()

    lo = float(np.fmin.reduce(xs, axis=None, initial=np.inf))  # fmin/fmax skip NaN
    hi = float(np.fmax.reduce(xs, axis=None, initial=-np.inf))
    # a row sum is NaN exactly when the row has a missing cell: finds incomplete rows in one pass
    row_sum = xs.sum(axis=1)
    inc_all = np.flatnonzero(np.isnan(row_sum))
    miss: NDArray[np.bool_] | None = None
    if inc_all.size:
        miss = np.isnan(xs)
        np.copyto(xs, 0.0, where=miss)

    cats = _resolve_categories(categories, lo, hi)
    # Likert-sized values need no centring; shift only far-from-zero data (cancellation)
    shift = 0.0
    if np.isfinite(lo) and abs(lo + hi) / 2.0 > 1e3 * max(hi - lo, 1e-300):
        shift = float((lo + hi) / 2.0)
        xs -= shift
        if miss is not None:
            np.copyto(xs, 0.0, where=miss)
        cats = None

    g_n = n_groups
    shape3 = (g_n, k, k)
    n_m = np.zeros(shape3)
    s_m = np.zeros(shape3)
    q_m = np.zeros(shape3)
    q2_m = np.zeros(shape3)
    t_sum = np.zeros(g_n)
    t_sumsq = np.zeros(g_n)
    t_n = np.zeros(g_n)
    t_s = np.zeros((g_n, k))
    t_q = np.zeros((g_n, k))
    t_x = np.zeros((g_n, k))
    adf_var = np.full(g_n, np.nan)
    n_rows = np.diff(starts)
    n_any = np.zeros(g_n, dtype=np.int64)
    n_complete = np.zeros(g_n, dtype=np.int64)
    n_cat = 0 if cats is None else cats.size
    power = np.zeros((g_n, k, n_cat))
    ones = np.ones(k)
    inc_bounds = np.searchsorted(inc_all, starts)
    ones_r = np.ones(int(n_rows.max()) if g_n else 0)

    for g in range(g_n):
        a, b = int(starts[g]), int(starts[g + 1])
        if b == a:
            continue
        xg = xs[a:b]
        ia, ib = int(inc_bounds[g]), int(inc_bounds[g + 1])
        inc = inc_all[ia:ib] - a
        xi = xg[inc]
        if miss is not None and inc.size:
            zi = miss[a:b][inc].astype(np.float64)
        else:
            zi = np.zeros((0, k))
        ti_n = k - zi.sum(axis=1)
        rs_i = xi.sum(axis=1)
        zsum = zi.sum(axis=0)
        nr = b - a
        nc = nr - inc.size
        n_complete[g] = nc
        n_any[g] = nc + int(np.count_nonzero(ti_n))

        gram_all = xg.T @ xg
        col_all = ones_r[: b - a] @ xg
        gram_c = gram_all - xi.T @ xi
        col_c = col_all - xi.sum(axis=0)
        if n_cat:
            power[g] = _power_sums(xg, nr - zsum, col_all, gram_all, n_cat)
        # complete rows: T = row sum / k, so its sums come from the Gram matrix
        tc_x = gram_c @ ones / k
        tc_sum = float(col_c.sum()) / k
        tc_sq = float(ones @ gram_c @ ones) / k**2
        if missing == "listwise" or inc.size == 0:
            q_m[g] = gram_c
            n_m[g] = nc
            s_m[g] = col_c[:, None]
            q2_m[g] = np.diagonal(gram_c)[:, None]
            t_x[g] = tc_x
            t_s[g] = tc_sum
            t_q[g] = tc_sq
            t_sum[g], t_sumsq[g], t_n[g] = tc_sum, tc_sq, nc
        else:
            ti = np.where(ti_n > 0, rs_i / np.maximum(ti_n, 1), 0.0)
            q_m[g] = gram_all
            n_m[g] = nr - zsum[:, None] - zsum[None, :] + zi.T @ zi
            s_m[g] = col_all[:, None] - xi.T @ zi
            q2_m[g] = np.diagonal(gram_all)[:, None] - (xi * xi).T @ zi
            t_x[g] = tc_x + ti @ xi
            ti_sum, ti_sq = float(ti.sum()), float(ti @ ti)
            t_s[g] = tc_sum + ti_sum - ti @ zi
            t_q[g] = tc_sq + ti_sq - (ti * ti) @ zi
            t_sum[g], t_sumsq[g] = tc_sum + ti_sum, tc_sq + ti_sq
            t_n[g] = n_any[g]
        adf_var[g] = _adf_alpha_var(xg, inc, gram_c, col_c, nc)

    counts = None
    if cats is not None:
        counts = _counts_from_power_sums(power, cats)
        if counts is None and categories is not None:
            raise ValueError("values are not on the integer scale given by categories")

    return GroupedMoments(
        missing=missing,
        shift=shift,
        n_rows=n_rows,
        n_any=n_any,
        n_complete=n_complete,
        n=n_m,
        s=s_m,
        q=q_m,
        q2=q2_m,
        t_sum=t_sum,
        t_sumsq=t_sumsq,
        t_n=t_n,
        t_s=t_s,
        t_q=t_q,
        t_x=t_x,
        counts=counts,
        categories=cats,
        adf_var=adf_var,
    )


_EXACT32 = 1 << 24  # float32 sums of integers are exact while every partial sum stays below 2**24
_SCAN_CELLS = 1 << 18  # cells per scan chunk: 2 MB of float64, stays in cache between steps
_PIECE_ROWS = 16384  # rows per float32 block in the per-group loop
_MAX_CODE = 64  # small-integer path: answered values span at most 64 points
_THREADS = 2  # scan, sort and per-group work run on this many threads


@dataclass(frozen=True)
class _Codes:
    """Answers as bytes: ``codes[:, :k]`` = x - offset (1..255), 0 for missing; rows padded to
    a multiple of 8 bytes (a row moves as whole 64-bit words). ``cls`` per row: 0 complete,
    1 + j when only item j is missing, k + 1 when two or more are missing."""

    codes: NDArray[np.uint8]
    cls: NDArray[np.uint16]
    lo: float
    hi: float
    offset: float


def _parallel(fn: Callable[[int], _T], n_tasks: int) -> list[_T]:
    """fn(0 .. n_tasks - 1) on up to _THREADS threads (numpy and BLAS release the GIL)."""
    if n_tasks <= 1:
        return [fn(i) for i in range(n_tasks)]
    with ThreadPoolExecutor(min(_THREADS, n_tasks)) as ex:
        return list(ex.map(fn, range(n_tasks)))


def _scan_rows(
    x: FloatArray,
    h: float,
    rows: tuple[int, int],
    step: int,
    codes: NDArray[np.uint8],
    cls: NDArray[np.uint16],
) -> tuple[int, int, int]:
    """Scan rows a0:a1 in cache-sized chunks into ``codes`` and ``cls``.

    Returns (status, lowest code, highest code): status 0 done, 1 some value maps to code 0
    (is at or below h), 2 some answered value is not an integer in h + 1 .. h + 255.
    """
    a0, a1 = rows
    k = x.shape[1]
    layout: Literal["C", "F"] = "F" if x.flags.f_contiguous and not x.flags.c_contiguous else "C"
    size = min(step, a1 - a0)
    t_buf = np.empty((size, k) if h != 0.0 else (0, k), order=layout)
    u_buf = np.empty((size, k), dtype=np.uint8, order=layout)
    e_buf = np.empty((size, k), dtype=np.bool_, order=layout)
    n_buf = np.empty((size, k), dtype=np.bool_, order=layout)
    z_buf = np.empty((size if layout == "C" else 0, k), dtype=np.float32, order=layout)
    t8 = np.empty((size if layout == "F" else 0, k), dtype=np.uint8, order=layout)
    w8 = np.arange(1, k + 1, dtype=np.uint8)
    wts = np.ones((k, 2), dtype=np.float32)
    wts[:, 1] = np.arange(1, k + 1)
    low, top = 256, 0
    with np.errstate(invalid="ignore"):
        for a in range(a0, a1, step):
            b = min(a + step, a1)
            xc, u, e, nan, z = (
                x[a:b],
                u_buf[: b - a],
                e_buf[: b - a],
                n_buf[: b - a],
                z_buf[: b - a],
            )
            np.isnan(xc, out=nan)
            if h == 0.0:
                np.copyto(u, xc, casting="unsafe")  # NaN gives some byte, set to 0 below
                np.equal(u, xc, out=e)  # False at NaN and wherever x is not a byte
            else:
                t = t_buf[: b - a]
                np.subtract(xc, h, out=t)
                np.copyto(u, t, casting="unsafe")
                np.add(u, h, out=t)
                np.equal(t, xc, out=e)  # x itself (x - h may round a near-integer)
            n_nan = int(np.count_nonzero(nan))
            if int(np.count_nonzero(e)) + n_nan != e.size:
                return 2, low, top
            np.multiply(u, e, out=u)  # e is now True exactly at the answered cells
            if e.size - int(np.count_nonzero(u)) != n_nan:
                return 1, low, top  # an answer has code 0
            top = max(top, int(u.max()))
            low = min(low, int((u - np.uint8(1)).min()) + 1)  # 0 wraps to 255
            # per row: missing cells, and the sum of 1 + their item numbers
            if layout == "F":  # item columns are contiguous: byte sums across them
                cnt = np.add.reduce(nan, axis=1, dtype=np.uint8)
                np.multiply(nan, w8, out=t8[: b - a])
                idx = np.add.reduce(t8[: b - a], axis=1, dtype=np.uint8)  # wraps only if cnt > 1
                cls[a:b] = np.where(cnt > 1, k + 1, idx)
            else:
                np.copyto(z, nan)
                cw = z @ wts
                cls[a:b] = np.where(cw[:, 0] > 1.5, k + 1, cw[:, 1])
            codes[a:b, :k] = u
    return 0, low, top


def _scan_pass(x: FloatArray, h: float, step: int) -> _Codes | int | None:
    """:func:`_scan_rows` over all rows, split over threads: the codes, 1 when some value is at
    or below h, 2 when some answered value is not an integer in h + 1 .. h + 255."""
    n, k = x.shape
    codes = np.empty((n, -(-k // 8) * 8), dtype=np.uint8)
    cls = np.empty(n, dtype=np.uint16)
    n_chunks = -(-n // step)
    parts = min(_THREADS, n_chunks)
    cuts = [n * i // parts // step * step if i < parts else n for i in range(parts + 1)]
    res = _parallel(lambda i: _scan_rows(x, h, (cuts[i], cuts[i + 1]), step, codes, cls), parts)
    status = max(r[0] for r in res)
    if status:
        return status
    low, top = min(r[1] for r in res), max(r[2] for r in res)
    if low > top:  # no answers at all
        return None
    return _Codes(codes, cls, low + h + 0.0, top + h, h)  # + 0.0: no -0.0 category


def _scan_small_int(x: FloatArray) -> _Codes | None:
    """Codes for data whose answered values are integers (None otherwise).

    The offset is guessed from the first chunk (0 when its values are >= 1, as on a 1..5 scale,
    else its minimum - 1); when a value does not fit, the true minimum gives the offset for one
    more pass.
    """
    k = x.shape[1]
    step = max(256, _SCAN_CELLS // k)
    lo0 = float(np.fmin.reduce(x[:step], axis=None, initial=np.inf))
    if not np.isfinite(lo0):
        lo0 = 1.0
    if lo0 != np.floor(lo0):
        return None
    h = 0.0 if lo0 >= 1.0 else lo0 - 1.0
    res = _scan_pass(x, h, step)
    if isinstance(res, int):
        lo = float(np.fmin.reduce(x, axis=None, initial=np.inf))
        if not np.isfinite(lo) or lo != np.floor(lo) or lo - 1.0 == h:
            return None  # not integers, or not within 255 of the minimum
        res = _scan_pass(x, lo - 1.0, step)
        if isinstance(res, int):
            return None
    if res is None or res.hi - res.offset > _MAX_CODE:
        return None
    return res


def _sort_rows(
    sc: _Codes, grp: NDArray[np.integer], g_n: int, k: int
) -> tuple[NDArray[np.uint8], IntArray]:
    """Rows sorted by (group, class), as 64-bit words; boundaries of every (group, class)."""
    n_cls = k + 2
    n = grp.shape[0]
    key: NDArray[np.integer]
    if g_n * n_cls <= 1 << 16:  # one radix pass on 16-bit keys
        key = grp.astype(np.uint16)
        key *= np.uint16(n_cls)
        key += sc.cls
        order = np.argsort(key, kind="stable")
    else:
        key = grp.astype(np.int64) * n_cls + sc.cls
        if g_n <= 1 << 16:  # two stable radix passes: class, then group
            o1 = np.argsort(sc.cls, kind="stable")
            order = o1[np.argsort(grp.astype(np.uint16)[o1], kind="stable")]
        else:
            order = np.argsort(key, kind="stable")
    bounds = np.zeros(g_n * n_cls + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=g_n * n_cls), out=bounds[1:])
    words = sc.codes.view(np.uint64)
    srt = np.empty_like(words)
    parts = _THREADS if n >= 1 << 16 else 1
    cut = [n * i // parts for i in range(parts + 1)]
    _parallel(
        lambda i: np.take(
            words, order[cut[i] : cut[i + 1]], axis=0, out=srt[cut[i] : cut[i + 1]], mode="clip"
        ),
        parts,
    )
    return srt.view(np.uint8), bounds


class _IntGroups:
    """Per-group sums on the sorted byte rows (see :func:`_small_int_moments`).

    :meth:`run` fills raw sums per group (each thread its own groups); :meth:`finish` turns them
    into :class:`GroupedMoments` fields for all groups at once.
    """

    def __init__(
        self, srt: NDArray[np.uint8], bounds: IntArray, g_n: int, k: int, vmax: int, n_cat: int
    ) -> None:
        self.srt, self.bounds, self.g_n, self.k, self.n_cat = srt, bounds, g_n, k, n_cat
        # category counts come from power sums of d = y - c0 (y = x - h); c0 centres big scales
        self.n_pow = max(0, n_cat - 3)  # sums of d^3 .. d^(C-1) need their own blocks
        self.c0 = 0
        if self.n_pow and vmax ** (n_cat - 1) * 4096 > _EXACT32:
            self.c0 = (vmax + 1) // 2
        dmax = max(self.c0, vmax - self.c0)
        piece = min(_PIECE_ROWS, _EXACT32 // (vmax * vmax))
        if self.n_pow:
            piece = min(piece, _EXACT32 // dmax ** (n_cat - 1))
        seg = np.diff(bounds)
        self.piece = max(1, min(piece, int(seg.max()) if seg.size else 1))
        # col_c' y for a complete row is an integer below 2**24 up to this many rows
        self.proj_rows = _EXACT32 // max(1, k * vmax * vmax)
        nb = 2 + self.n_pow
        self.gram_c = np.zeros((g_n, k, k))
        self.gram_s = np.zeros((g_n, k, k))  # rows missing one item
        self.gram_m = np.zeros((g_n, k, k))  # rows missing several
        self.col_c = np.zeros((g_n, nb, k))  # sums of y, y^2, d^p: complete rows
        self.col_s = np.zeros((g_n, nb, k))  # ... rows missing one item
        self.col_m = np.zeros((g_n, nb + 1, k))  # y, z, y^2, d^p: rows missing several
        self.seg = np.zeros((g_n, 2, k, k))  # [g, 0, l] sum of y, [g, 1, l] of y^2, l missing
        self.rsq = np.zeros((g_n, k))  # sum of (row sum)^2 over rows missing only item l
        self.wz = np.zeros((g_n, 3, k, k))  # y'z, z'z, (y^2)'z over rows missing several
        self.yt = np.zeros((g_n, 2, k, 2))  # y'[T, T^2], z'[T, T^2] over those rows
        self.tm = np.zeros((g_n, 2))  # sum of T, T^2 over those rows
        self.answered_m = np.zeros(g_n, dtype=np.int64)
        self.adf_var = np.full(g_n, np.nan)

    def run(self, groups: Sequence[int], pairwise: bool) -> None:
        """Sums for ``groups`` with this thread's own work blocks."""
        k, piece = self.k, self.piece
        # float32 work blocks (block, row, item), each contiguous: complete and single-missing
        # rows use [y, y^2, d^3 .. d^(C-1), (d, d^2)]; other rows [y, z, y^2, d^3 .., (d, d^2)]
        n_blk = 3 + self.n_pow + (2 if self.c0 else 0)
        work = np.empty((n_blk, piece, k), dtype=np.float32)
        f64 = np.empty((2, piece, k))
        ones32 = np.ones(max(piece, k), dtype=np.float32)
        for g in groups:
            self._group(g, work, f64, ones32, pairwise)

    def _powers(self, work: NDArray[np.float32], m: int, first: int, y2: int) -> None:
        """Blocks first .. first + n_pow - 1 get d^3 .. d^(C-1), d = y - c0."""
        n_pow, c0 = self.n_pow, self.c0
        if not n_pow:
            return
        if c0:
            d, d2 = work[first + n_pow, :m], work[first + n_pow + 1, :m]
            np.subtract(work[0, :m], c0, out=d)
            np.multiply(d, d, out=d2)
        else:
            d, d2 = work[0, :m], work[y2, :m]
        blk = work[first : first + n_pow, :m]
        np.multiply(d2, d, out=blk[0])
        if n_pow > 1:
            np.multiply(d2, d2, out=blk[1])
        if n_pow > 2:
            np.multiply(blk[1], d, out=blk[2])
        if n_pow > 3:
            np.multiply(blk[0], blk[0], out=blk[3])

    def _group(
        self,
        g: int,
        work: NDArray[np.float32],
        f64: FloatArray,
        ones32: NDArray[np.float32],
        pairwise: bool,
    ) -> None:
        k, piece, srt = self.k, self.piece, self.srt
        nb = 2 + self.n_pow
        bnd = self.bounds[g * (k + 2) : (g + 1) * (k + 2) + 1]
        a0, a1, a2, a3 = int(bnd[0]), int(bnd[1]), int(bnd[k + 1]), int(bnd[k + 2])
        ones_k32 = ones32[:k]

        # complete rows: Gram matrix, column sums, row sums (for the ADF variance)
        nc = a1 - a0
        rs = np.empty((2, nc), dtype=np.float32)
        gram, col = self.gram_c[g], self.col_c[g]
        for p0 in range(a0, a1, piece):
            m = min(piece, a1 - p0)
            y = work[0, :m]
            np.copyto(y, srt[p0 : p0 + m, :k])
            np.multiply(y, y, out=work[1, :m])
            self._powers(work, m, 2, 1)
            col += np.matmul(ones32[:m], work[:nb, :m])
            np.matmul(work[:2, :m], ones_k32, out=rs[:, p0 - a0 : p0 - a0 + m])
            gram += y.T @ y
        if nc >= 3:
            self.adf_var[g] = self._adf(g, work, rs)

        # rows missing exactly one item, sorted by that item: their products with the missing
        # indicators are segment sums, and T = row sum / (k - 1) follows from their Gram matrix
        gram, col, seg, rsq = self.gram_s[g], self.col_s[g], self.seg[g], self.rsq[g]
        for p0 in range(a1, a2, piece):
            m = min(piece, a2 - p0)
            y = work[0, :m]
            np.copyto(y, srt[p0 : p0 + m, :k])
            np.multiply(y, y, out=work[1, :m])
            self._powers(work, m, 2, 1)
            col += np.matmul(ones32[:m], work[:nb, :m])
            if pairwise:
                gram += y.T @ y
                lo = np.clip(bnd[1 : k + 1] - p0, 0, m)
                items = np.flatnonzero(lo < np.clip(bnd[2 : k + 2] - p0, 0, m))
                st = lo[items]
                seg[:, items] += np.add.reduceat(work[:2, :m], st, axis=1)
                r = (y @ ones_k32).astype(np.float64)
                rsq[items] += np.add.reduceat(r * r, st)

        # rows missing two or more items: products with the missing-indicator block z
        gram, col, wz, yt, tm = self.gram_m[g], self.col_m[g], self.wz[g], self.yt[g], self.tm[g]
        kf = float(k)
        for p0 in range(a2, a3, piece):
            m = min(piece, a3 - p0)
            blk = srt[p0 : p0 + m, :k]
            y = work[0, :m]
            np.copyto(y, blk)
            np.equal(blk, 0, out=work[1, :m])
            np.multiply(y, y, out=work[2, :m])
            self._powers(work, m, 3, 2)
            col += np.matmul(ones32[:m], work[: nb + 1, :m])
            rz = np.matmul(work[:2, :m], ones_k32).astype(np.float64)
            n_ans = kf - rz[1]
            self.answered_m[g] += int(np.count_nonzero(n_ans))
            if pairwise:
                gram += y.T @ y
                wz += np.matmul(work[:3, :m].transpose(0, 2, 1), work[1, :m])
                with np.errstate(invalid="ignore", divide="ignore"):
                    ti = np.where(n_ans > 0, rz[0] / n_ans, 0.0)
                tt = np.column_stack([ti, ti * ti])
                a64 = f64[:, :m]
                np.copyto(a64, work[:2, :m])
                yt += np.matmul(a64.transpose(0, 2, 1), tt)
                tm += tt.sum(axis=0)

    def _adf(self, g: int, work: NDArray[np.float32], rs: NDArray[np.float32]) -> float:
        """:func:`_adf_alpha_var` on the complete rows, from their row sums and row sums of
        squares ``rs`` and one product per row with the column sums (exact in float32 when
        small enough, else float64)."""
        k, piece = self.k, self.piece
        gram, col = self.gram_c[g], self.col_c[g, 0]
        m = rs.shape[1]
        mf = float(m)
        tot = float(col.sum())
        t = (float(np.trace(gram)) - float(col @ col) / mf) / mf
        s = (float(gram.sum()) - tot * tot / mf) / mf
        if s <= 0:
            return float("nan")
        c = k / (k - 1)
        a0 = int(self.bounds[g * (k + 2)])
        if m <= self.proj_rows:  # col' y is an integer below 2**24: exact in float32
            cc = col.astype(np.float32)
            if m <= piece:
                proj32 = work[0, :m] @ cc  # the block is still loaded
            else:
                proj32 = np.empty(m, dtype=np.float32)
                for p0 in range(0, m, piece):
                    mm = min(piece, m - p0)
                    y = work[0, :mm]
                    np.copyto(y, self.srt[a0 + p0 : a0 + p0 + mm, :k])
                    proj32[p0 : p0 + mm] = y @ cc
            proj = proj32.astype(np.float64)
            proj /= mf
        else:
            proj = np.empty(m)
            buf = np.empty((min(piece, m), k))
            for p0 in range(0, m, piece):
                mm = min(piece, m - p0)
                np.copyto(buf[:mm], self.srt[a0 + p0 : a0 + p0 + mm, :k])
                proj[p0 : p0 + mm] = buf[:mm] @ (col / mf)
        r64 = rs.astype(np.float64)
        mu = col / mf
        yy = r64[1] - 2.0 * proj + float(mu @ mu)
        oy = r64[0] - tot / mf
        qv = (-c / s) * yy + (c * t / (s * s)) * (oy * oy)
        dq = qv - float(qv.sum()) / mf
        return float(dq @ dq) / mf / mf

    def finish(self, pairwise: bool) -> dict[str, FloatArray]:
        """GroupedMoments fields for all groups at once, in y = x - h units."""
        k, g_n = self.k, self.g_n
        kf = float(k)
        k1 = kf - 1.0
        lens = np.diff(self.bounds).reshape(g_n, k + 2).astype(np.float64)
        nc, seg_len = lens[:, 0], lens[:, 1 : k + 1]
        nr = lens.sum(axis=1)
        n_any = nc + seg_len.sum(axis=1) + self.answered_m
        gram_c, col_c, col_s, col_m = self.gram_c, self.col_c, self.col_s, self.col_m
        ycol_c = col_c[:, 0]
        zsum = seg_len + col_m[:, 1]
        # complete rows: T = row sum / k, so its sums come from the Gram matrix
        tc_sum = ycol_c.sum(axis=-1) / kf
        tc_sq = gram_c.sum(axis=(-2, -1)) / kf**2
        shape3 = (g_n, k, k)
        out: dict[str, FloatArray] = {
            "n_any": n_any,
            "q": gram_c.copy(),
            "n": np.broadcast_to(nc[:, None, None], shape3).copy(),
            "s": np.broadcast_to(ycol_c[:, :, None], shape3).copy(),
            "q2": np.broadcast_to(
                np.diagonal(gram_c, axis1=-2, axis2=-1)[:, :, None], shape3
            ).copy(),
            "t_x": gram_c.sum(axis=-1) / kf,
            "t_s": np.broadcast_to(tc_sum[:, None], (g_n, k)).copy(),
            "t_q": np.broadcast_to(tc_sq[:, None], (g_n, k)).copy(),
            "t_sum": tc_sum.copy(),
            "t_sumsq": tc_sq.copy(),
            "t_n": nc.copy(),
        }
        i = np.flatnonzero(nr > nc) if pairwise else np.zeros(0, dtype=np.int64)
        if i.size:
            gram_s, gram = self.gram_s[i], gram_c[i] + self.gram_s[i] + self.gram_m[i]
            wz, seg, yt, tm = self.wz[i], self.seg[i], self.yt[i], self.tm[i]
            zs = zsum[i]
            # T over rows missing one item = row sum / (k - 1): from their Gram matrix
            ti_sum = col_s[i, 0].sum(axis=-1) / k1 + tm[:, 0]
            ti_sq = gram_s.sum(axis=(-2, -1)) / k1**2 + tm[:, 1]
            eye = np.eye(k)
            out["q"][i] = gram
            out["n"][i] = nr[i, None, None] - zs[:, :, None] - zs[:, None, :] + wz[:, 1]
            out["n"][i] += seg_len[i, :, None] * eye
            coly = ycol_c[i] + col_s[i, 0] + col_m[i, 0]
            out["s"][i] = coly[:, :, None] - wz[:, 0] - np.swapaxes(seg[:, 0], -1, -2)
            out["q2"][i] = (
                np.diagonal(gram, axis1=-2, axis2=-1)[:, :, None]
                - wz[:, 2]
                - np.swapaxes(seg[:, 1], -1, -2)
            )
            out["t_x"][i] += gram_s.sum(axis=-1) / k1 + yt[:, 0, :, 0]
            out["t_s"][i] += ti_sum[:, None] - (seg[:, 0].sum(axis=-1) / k1 + yt[:, 1, :, 0])
            out["t_q"][i] += ti_sq[:, None] - (self.rsq[i] / k1**2 + yt[:, 1, :, 1])
            out["t_sum"][i] += ti_sum
            out["t_sumsq"][i] += ti_sq
            out["t_n"][i] = n_any[i]
        if self.n_cat:
            c0 = float(self.c0)
            ans = nr[:, None] - zsum
            sy = ycol_c + col_s[:, 0] + col_m[:, 0]
            sy2 = col_c[:, 1] + col_s[:, 1] + col_m[:, 2]
            pw = np.zeros((g_n, k, self.n_cat))
            pw[..., 0] = ans
            if self.n_cat > 1:
                pw[..., 1] = sy - c0 * ans
            if self.n_cat > 2:
                pw[..., 2] = sy2 - 2.0 * c0 * sy + c0 * c0 * ans
            for j in range(self.n_pow):
                raw = col_c[:, 2 + j] + col_s[:, 2 + j] + col_m[:, 3 + j]
                pw[..., 3 + j] = raw - zsum * (-c0) ** (3 + j)
            out["power"] = pw
        return out


def _shift_power_sums(pw: FloatArray, a: float) -> FloatArray:
    """Sums of x^p (last axis p = 0..C-1) from exact integer sums of d^p, x = d + a (integer a),
    by the binomial expansion in exact int64 arithmetic (the caller keeps them below 2**53)."""
    if a == 0:
        return pw
    ai = int(a)
    n_cat = pw.shape[-1]
    d = pw.astype(np.int64)
    out = np.zeros_like(d)
    for p in range(n_cat):
        for q in range(p + 1):
            out[..., p] += math.comb(p, q) * ai ** (p - q) * d[..., q]
    return out.astype(np.float64)


def _small_int_moments(
    x: FloatArray,
    codes: NDArray[np.integer],
    n_groups: int,
    missing: Missing,
    categories: ArrayLike | None,
) -> GroupedMoments | None:
    """Fast path for integer answers on a small scale (Likert items); None for other data.

    One pass (in cache-sized chunks, on two threads) turns the values into one byte per cell
    (y = x - h, 0 = missing) and classifies each row: complete, missing only item j, or missing
    more. The byte rows are sorted by (group, class). Per group, every sum is a float32 BLAS
    product on blocks small enough that float32 sums of these integers are exact, accumulated in
    float64, so the sums equal the float64 ones: the Gram matrix of each class, segment sums for
    the rows missing one item (their missing-indicator products are sums over the segment), and
    indicator products only for the few rows missing several items.
    """
    n, k = x.shape
    g_n = n_groups
    grp = np.asarray(codes)
    if n == 0 or k < 2 or k > 250 or grp.shape != (n,) or grp.dtype.kind not in "iu":
        return None
    if grp.min() < 0 or grp.max() >= g_n:
        return None  # the float path's handling of such codes stays as it is
    sc = _scan_small_int(x)
    if sc is None:
        return None
    lo, hi, h = sc.lo, sc.hi, sc.offset
    if abs(lo + hi) / 2.0 > 1e3 * max(hi - lo, 1e-300):
        return None  # the float path centres such data first
    vmax = int(hi - h)
    if k * vmax * vmax > _EXACT32:
        return None
    cats = _resolve_categories(categories, lo, hi)
    if cats is not None:  # the float path's power sums must be exact (and ours fit in int64)
        big = max(abs(lo), abs(hi))
        if big ** (cats.size - 1) * n > 2.0**53 or (3 * big + 2) ** (cats.size - 1) * n > 2.0**62:
            return None
    srt, bounds = _sort_rows(sc, grp, g_n, k)
    del sc
    n_cat = 0 if cats is None else cats.size
    pairwise = missing == "pairwise"
    work = _IntGroups(srt, bounds, g_n, k, vmax, n_cat)
    # one thread: the per-group steps are many short numpy calls that hold the GIL, and a second
    # thread measured no faster
    work.run(range(g_n), pairwise)
    f = work.finish(pairwise)
    sizes = bounds[k + 2 :: k + 2] - bounds[: -1 : k + 2]

    n_m, s_m, q_m, q2_m = f["n"], f["s"], f["q"], f["q2"]
    t_s, t_q, t_x, t_sum, t_sumsq, t_n = (
        f["t_s"],
        f["t_q"],
        f["t_x"],
        f["t_sum"],
        f["t_sumsq"],
        f["t_n"],
    )
    if h != 0.0:  # back from y = x - h to x: exact integer algebra for the pairwise sums
        s_y = s_m.copy()
        nd = np.diagonal(n_m, axis1=-2, axis2=-1)
        sd = np.diagonal(s_y, axis1=-2, axis2=-1)
        q_m += h * (s_y + np.swapaxes(s_y, -1, -2)) + h * h * n_m
        q2_m += 2.0 * h * s_y + h * h * n_m
        s_m += h * n_m
        t_x += h * sd + h * t_s + h * h * nd
        t_q += 2.0 * h * t_s + h * h * nd
        t_s += h * nd
        t_sumsq += 2.0 * h * t_sum + h * h * t_n
        t_sum += h * t_n

    counts = None
    if cats is not None:
        # the float path's sums of x^p, exactly: the same solve then gives the same counts
        counts = _counts_from_power_sums(_shift_power_sums(f["power"], h + work.c0), cats)
        if counts is None and categories is not None:
            raise ValueError("values are not on the integer scale given by categories")

    return GroupedMoments(
        missing=missing,
        shift=0.0,
        n_rows=sizes,
        n_any=f["n_any"].astype(np.int64),
        n_complete=bounds[1 :: k + 2] - bounds[: -1 : k + 2],
        n=n_m,
        s=s_m,
        q=q_m,
        q2=q2_m,
        t_sum=t_sum,
        t_sumsq=t_sumsq,
        t_n=t_n,
        t_s=t_s,
        t_q=t_q,
        t_x=t_x,
        counts=counts,
        categories=cats,
        adf_var=work.adf_var,
    )


def _power_sums(
    xg: FloatArray, answered: FloatArray, col: FloatArray, gram: FloatArray, n_cat: int
) -> FloatArray:
    """S_p = sum over answered cells of x^p, p = 0..n_cat-1 (missing cells are zero)."""
    pw = [answered, col, np.diagonal(gram).copy()]
    if n_cat > 3:
        x2 = xg * xg
        pw.append(np.einsum("ij,ij->j", x2, xg))
        if n_cat > 4:
            pw.append(np.einsum("ij,ij->j", x2, x2))
        if n_cat > 5:
            x3 = x2 * xg
            pw.append(np.einsum("ij,ij->j", x3, x2))
            if n_cat > 6:
                pw.append(np.einsum("ij,ij->j", x3, x3))
    return np.stack(pw[:n_cat], axis=-1)


def _adf_alpha_var(
    xg: FloatArray,
    inc: IntArray,
    gram_c: FloatArray,
    col_c: FloatArray,
    m: int,
) -> float:
    """Asymptotically distribution-free variance of raw alpha (Maydeu-Olivares et al. 2007).

    Delta method: alpha = c (1 - tr S / 1'S1), c = k / (k - 1). With y = x - mean,
    sum_jl (d alpha / d S_jl) y_j y_l = c (-|y|^2 / s + t (1'y)^2 / s^2) =: q, so
    Var(alpha_hat) = Var(q) / n (the 1/n fourth-moment estimate of Gamma). Only rows with every
    item answered are used, whatever the missing-data rule (the ADF Gamma needs whole rows).
    """
    k = xg.shape[1]
    if m < 3 or k < 2:
        return float("nan")
    mu = col_c / m
    cov = (gram_c - np.outer(col_c, col_c) / m) / m
    t = float(np.trace(cov))
    s = float(cov.sum())
    if s <= 0:
        return float("nan")
    c = k / (k - 1)
    # |y|^2 = |x|^2 - 2 mu'x + |mu|^2 ; 1'y = 1'x - 1'mu  (two passes over the rows)
    proj = xg @ np.column_stack([mu, np.ones(k)])
    yy = np.einsum("ij,ij->i", xg, xg) - 2.0 * proj[:, 0] + float(mu @ mu)
    oy = proj[:, 1] - float(mu.sum())
    qv = c * (-yy / s + t * oy * oy / (s * s))
    if inc.size:
        qv = np.delete(qv, inc)
    return float(np.var(qv) / m)
