"""Grouped sufficient statistics for item sets: one pass over the rows, one Gram matrix per group.

Everything the reliability formulas need is a sum over rows, so a group's statistics are a few
k x k matrices. Rows are sorted by group once; each group's block is a contiguous slice, and the
item cross-products come from one BLAS ``X.T @ X`` per group. Missing cells are zero-filled, and
the pairwise corrections (how many rows, and which sums, each pair really shares) come from the
rows that have a missing cell, not from a second pass over all rows.

Two paths give the same sums. Answers that are small integers (any Likert scale) take the fast
path: one pass turns them into one byte per cell, the bytes are sorted by group, and every sum is
a float32 BLAS product on blocks small enough that float32 sums of these integers are exact; the
pairwise corrections are products with the sparse missing-indicator matrix, and the category
counts come from byte compares. Any other data take the float64 path.

Missing-data rules
------------------
``pairwise`` (R ``cov(use="pairwise")``, the psych default): each covariance uses the rows where
both items are answered, with means taken over those same rows; an item's variance and mean use
every row where that item is answered.
``listwise`` (SPSS, jamovi, ``use="complete.obs"``): only rows with every item answered are used.
Category counts and the missing share are descriptive and always use every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stats._blas import single_threaded_blas

Missing = Literal["pairwise", "listwise"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_T = TypeVar("_T")
_F = TypeVar("_F", np.float32, np.float64)


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
_COUNT_ROWS = 1 << 16  # rows per byte block when counting answers per category
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
    codes = np.zeros((n, -(-k // 8) * 8), dtype=np.uint8)  # padding stays 0
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


def _unit_kernels() -> tuple[Callable[..., None], Callable[..., None]] | None:
    """scipy's compiled CSR and CSC matrix-times-dense kernels (what ``csr_array @ x`` runs),
    called directly: the per-call overhead of building sparse array objects (~0.1 ms) would
    cost more than the products themselves here. Checked once on a small case; None (use the
    public API) if they are missing or do not behave as expected."""
    try:
        from scipy.sparse import _sparsetools

        csr, csc = _sparsetools.csr_matvecs, _sparsetools.csc_matvecs
        ptr = np.array([0, 2, 3], dtype=np.int64)
        idx = np.array([0, 2, 1], dtype=np.int64)
        x = np.arange(6, dtype=np.float32).reshape(3, 2)
        out = np.zeros((2, 2), dtype=np.float32)
        csr(2, 3, 2, ptr, idx, np.ones(3, dtype=np.float32), x.ravel(), out.ravel())
        out2 = np.zeros((3, 2), dtype=np.float32)
        csc(3, 2, 2, ptr, idx, np.ones(3, dtype=np.float32), x[:2].ravel(), out2.ravel())
    except Exception:  # any failure means: use the public API
        return None
    want2 = np.array([[0.0, 1.0], [2.0, 3.0], [0.0, 1.0]])
    if not (np.array_equal(out, [[4.0, 6.0], [2.0, 3.0]]) and np.array_equal(out2, want2)):
        return None
    return csr, csc


_KERNELS = _unit_kernels()
_ONES: dict[np.dtype[Any], NDArray[Any]] = {}


def _ones(n: int, dtype: np.dtype[Any]) -> NDArray[Any]:
    """A read-only vector of n ones (the values of an indicator matrix), reused between calls."""
    have = _ONES.get(dtype)
    if have is None or have.shape[0] < n:
        have = np.ones(max(n, 1 << 16), dtype=dtype)
        have.flags.writeable = False
        _ONES[dtype] = have
    return have[:n]


def _indicator_product(
    ptr: IntArray,
    idx: IntArray,
    x: NDArray[_F],
    out: NDArray[_F],
    *,
    by_rows: bool,
    data: NDArray[_F] | None = None,
) -> None:
    """``out += A @ x`` for a sparse matrix A (out rows x x rows) given by its pattern.

    ``by_rows``: (ptr, idx) is A in CSR form (ptr over the rows of ``out``); otherwise in CSC
    form (ptr over the rows of ``x``). The entries are ``data`` (default: all 1, an indicator
    matrix). ``x`` and ``out`` are C-contiguous, of one dtype.
    """
    n_out, n_in = out.shape[0], x.shape[0]
    if data is None:
        data = _ones(idx.shape[0], x.dtype)
    if _KERNELS is not None:
        fn = _KERNELS[0] if by_rows else _KERNELS[1]
        fn(n_out, n_in, x.shape[1], ptr, idx, data, x.ravel(), out.ravel())
        return
    from scipy import sparse

    shape = (n_out, n_in)
    mat = (sparse.csr_array if by_rows else sparse.csc_array)((data, idx, ptr), shape=shape)
    out += np.asarray(mat @ x, dtype=out.dtype)


def _byte_column_counts(eq: NDArray[np.bool_]) -> IntArray:
    """Column sums of 0/1 byte matrices (..., m, w), w a multiple of 8, as int64 (..., w).

    SIMD-within-a-register: rows are read as 64-bit words and added in runs of at most 255
    rows, so no byte lane can carry into its neighbour; the lanes are then added as bytes.
    """
    *lead, m, w = eq.shape
    wd = w // 8
    words = eq.view(np.uint64)
    total = np.zeros((*lead, w), dtype=np.int64)
    q = m // 255
    if q:
        lanes = np.add.reduce(words[..., : q * 255, :].reshape(*lead, 255, q * wd), axis=-2)
        total += lanes.view(np.uint8).reshape(*lead, q, w).sum(axis=-2, dtype=np.int64)
    if m > q * 255:
        total += np.add.reduce(words[..., q * 255 :, :], axis=-2).view(np.uint8)
    return total


class _IntGroups:
    """Per-group sums on the sorted byte rows (see :func:`_small_int_moments`).

    :meth:`run` fills raw sums per group; :meth:`finish` adds the rows missing several items
    of all groups at once (:meth:`_several`) and turns the sums into :class:`GroupedMoments`
    fields for all groups at once.

    A work block holds whole byte rows (``width`` columns: the k items, then zero padding), so
    the byte-to-float32 copy is one contiguous pass; BLAS products use the first k columns.
    Blocks: ``_Y2`` = y^2, ``_Y`` = y, ``_Z`` = the missing indicator (rows missing several).
    """

    _Y2, _Y, _Z = 0, 1, 2

    def __init__(
        self,
        srt: NDArray[np.uint8],
        bounds: IntArray,
        g_n: int,
        k: int,
        vmax: int,
        cat_codes: IntArray | None,
        pairwise: bool,
    ) -> None:
        self.srt, self.bounds, self.g_n, self.k = srt, bounds, g_n, k
        self.pairwise = pairwise
        self.width = w = srt.shape[1]
        # every float32 sum over this many rows (Gram, column and indicator sums) stays exact
        self.exact_rows = _EXACT32 // (vmax * vmax)
        piece = min(_PIECE_ROWS, self.exact_rows)
        seg = np.diff(bounds)
        self.piece = max(1, min(piece, int(seg.max()) if seg.size else 1))
        # col_c' y for a complete row is an integer below 2**24 up to this many rows
        self.proj_rows = _EXACT32 // max(1, k * vmax * vmax)
        # category counts: the byte codes of the scale points; on a scale without gaps the three
        # lowest follow from the number of answers and the sums of y and y^2, the others are
        # counted; on a scale with gaps every point is counted
        self.cat_codes = cat_codes
        self.counted: list[int] = []
        self.gaps = False
        if cat_codes is not None:
            self.gaps = bool(np.any(np.diff(cat_codes) != 1))
            self.counted = list(range(0 if self.gaps else 3, cat_codes.size))
        sizes = np.diff(bounds[:: k + 2])
        self.count_rows = max(1, min(_COUNT_ROWS, int(sizes.max()) if sizes.size else 1))
        # listwise, rows with a missing answer need y^2 only for the category counts
        self.square_all = pairwise or (cat_codes is not None and not self.gaps)
        self.gram_c = np.zeros((g_n, k, k))
        self.gram_s = np.zeros((g_n, k, k))  # rows missing one item
        self.gram_m = np.zeros((g_n, k, k))  # rows missing several
        self.col_c = np.zeros((g_n, 2, w))  # column sums of y^2, y: complete rows
        self.col_s = np.zeros((g_n, 2, w))  # ... rows missing one item
        self.col_m = np.zeros((g_n, 2, w))  # ... rows missing several
        self.seg = np.zeros((g_n, 2, k, w))  # [g, 0, l, j] sum of y_j, [g, 1] of y_j^2, l missing
        self.rsq = np.zeros((g_n, k))  # sum of (row sum)^2 over rows missing only item l
        self.wz = np.zeros((3, g_n * k, w))  # [., g k + l, j]: z_l y_j, z_l z_j, z_l y_j^2
        self.ty = np.zeros((g_n, w))  # sum of T y_j over rows missing several
        self.tz = np.zeros((g_n, k, 2))  # sum of z_l [T, T^2] over those rows
        self.tm = np.zeros((g_n, 2))  # sum of T, T^2 over those rows
        self.answered_m = np.zeros(g_n, dtype=np.int64)
        self.zsum_m = np.zeros((g_n, k))  # missing answers per item in rows missing several
        self.counts = np.zeros((g_n, len(self.counted), w), dtype=np.int64)
        # code 0 is a missing answer: a scale point below the answers has no code, count 0
        codes_c = [int(cat_codes[c]) for c in self.counted] if cat_codes is not None else []
        self.count_idx = np.array([i for i, c in enumerate(codes_c) if 1 <= c <= 255], dtype=int)
        self.count_codes = np.array([codes_c[i] for i in self.count_idx], dtype=np.uint8)
        self.count_codes = self.count_codes.reshape(-1, 1, 1)
        self.adf_var = np.full(g_n, np.nan)

    def run(self, groups: Sequence[int]) -> None:
        """Sums for ``groups`` with this call's own work blocks."""
        work = np.empty((2, self.piece, self.width), dtype=np.float32)
        eq = np.empty((self.count_idx.size, self.count_rows, self.width), dtype=np.bool_)
        ones32 = np.ones(max(self.piece, self.width), dtype=np.float32)
        rows = np.arange(self.piece, dtype=np.int64)
        for g in groups:
            self._group(g, work, ones32, rows)
            self._count(g, eq)

    def _count(self, g: int, eq: NDArray[np.bool_]) -> None:
        """Answers per counted category in group g (all its rows: the counts are descriptive)."""
        if not self.count_idx.size:
            return
        k, piece = self.k, self.count_rows
        a0, a3 = int(self.bounds[g * (k + 2)]), int(self.bounds[(g + 1) * (k + 2)])
        for p0 in range(a0, a3, piece):
            m = min(piece, a3 - p0)
            e = eq[:, :m]
            np.equal(self.srt[None, p0 : p0 + m], self.count_codes, out=e)
            self.counts[g, self.count_idx] += _byte_column_counts(e)

    def _load(self, work: NDArray[np.float32], p0: int, m: int, square: bool = True) -> None:
        """Rows p0 .. p0 + m - 1 as float32 y (and y^2)."""
        y = work[self._Y, :m]
        np.copyto(y, self.srt[p0 : p0 + m])
        if square:
            np.multiply(y, y, out=work[self._Y2, :m])

    def _group(
        self,
        g: int,
        work: NDArray[np.float32],
        ones32: NDArray[np.float32],
        rows: IntArray,
    ) -> None:
        k, piece, pairwise = self.k, self.piece, self.pairwise
        y_, y2_ = self._Y, self._Y2
        ones_w = ones32[: self.width]
        bnd = self.bounds[g * (k + 2) : (g + 1) * (k + 2) + 1]
        a0, a1, a2, a3 = int(bnd[0]), int(bnd[1]), int(bnd[k + 1]), int(bnd[k + 2])

        # complete rows: Gram matrix, column sums (y^2: the Gram diagonal), and per row the sums
        # of y^2 and y (for the ADF variance)
        nc = a1 - a0
        rs = np.empty((2, nc), dtype=np.float32)
        gram, col = self.gram_c[g], self.col_c[g, 1]
        for p0 in range(a0, a1, piece):
            m = min(piece, a1 - p0)
            self._load(work, p0, m)
            col += np.matmul(ones32[:m], work[y_, :m])
            np.matmul(work[y2_ : y_ + 1, :m], ones_w, out=rs[:, p0 - a0 : p0 - a0 + m])
            y = work[y_, :m, :k]
            gram += y.T @ y
        if nc >= 3:
            self.adf_var[g] = self._adf(g, work, rs)

        # rows missing exactly one item, sorted by that item: their products with the missing
        # indicators are sums over the item's segment (a CSR pattern with one entry per row)
        gram, seg, rsq, col = self.gram_s[g], self.seg[g], self.rsq[g], self.col_s[g]
        sq = self.square_all
        for p0 in range(a1, a2, piece):
            m = min(piece, a2 - p0)
            self._load(work, p0, m, square=sq)
            if pairwise or not sq:
                col[1] += np.matmul(ones32[:m], work[y_, :m])
            else:
                col += np.matmul(ones32[:m], work[y2_ : y_ + 1, :m])
            if not pairwise:
                continue
            y = work[y_, :m, :k]
            gram += y.T @ y
            ptr = np.minimum(np.maximum(bnd[1 : k + 2] - p0, 0), m)
            out = np.zeros((2, k, self.width), dtype=np.float32)
            _indicator_product(ptr, rows[:m], work[y_, :m], out[0], by_rows=True)
            _indicator_product(ptr, rows[:m], work[y2_, :m], out[1], by_rows=True)
            seg += out
            r = np.matmul(work[y_, :m], ones_w).astype(np.float64)
            r *= r
            r2 = np.zeros((k, 1))
            _indicator_product(ptr, rows[:m], r[:, None], r2, by_rows=True)
            rsq += r2[:, 0]

        # rows missing two or more items: Gram matrix and column sums here; their products with
        # the missing indicators for all groups at once in :meth:`_several`
        gram, col = self.gram_m[g], self.col_m[g]
        for p0 in range(a2, a3, piece):
            m = min(piece, a3 - p0)
            self._load(work, p0, m, square=sq)
            if pairwise or not sq:
                col[1] += np.matmul(ones32[:m], work[y_, :m])
            else:
                col += np.matmul(ones32[:m], work[y2_ : y_ + 1, :m])
            if pairwise:
                y = work[y_, :m, :k]
                gram += y.T @ y

    def _several(self) -> None:
        """Rows missing several items, all groups in one pass (they are ~10 % of the rows, and
        per group their steps would be many small calls): the missing-indicator pattern Z from
        their zero bytes, Z'[y, z, y^2] and Z'[T, T^2] with one sparse product per block whose
        rows are (group, item), sum T y per group with the group pattern (values T), and the
        number of rows with an answer, missing answers per item, sum T and T^2 per group."""
        k, g_n, piece, w = self.k, self.g_n, self.piece, self.width
        starts = self.bounds[k + 1 :: k + 2][:g_n]
        lens = self.bounds[k + 2 :: k + 2] - starts
        total = int(lens.sum())
        if total == 0:
            return
        grp = np.repeat(np.arange(g_n), lens)
        src = np.arange(total) + np.repeat(starts - (np.cumsum(lens) - lens), lens)
        rows = np.take(self.srt, src, axis=0)
        y_, y2_, zb = self._Y, self._Y2, self._Z
        m_all = min(piece, total)
        work = np.empty((3, m_all, w), dtype=np.float32)
        a64 = np.empty((m_all, w))
        ones_w = np.ones(w, dtype=np.float32)
        row_ptr = np.arange(m_all + 1, dtype=np.int64)
        kf = float(k)
        acc = np.zeros((3, g_n * k, w) if self.pairwise else (0, 0, 0), dtype=np.float32)
        acc_rows = 0
        for p0 in range(0, total, piece):
            m = min(piece, total - p0)
            blk, gp = rows[p0 : p0 + m], grp[p0 : p0 + m]
            pos = np.flatnonzero(blk[:, :k] == 0)
            row_of = pos // k
            gi = gp[row_of] * k + (pos - row_of * k)  # (group, item) of each missing answer
            n_miss = np.bincount(row_of, minlength=m)
            n_ans = kf - n_miss
            self.answered_m += np.bincount(gp, weights=n_ans > 0, minlength=g_n).astype(np.int64)
            self.zsum_m += np.bincount(gi, minlength=g_n * k).reshape(g_n, k)
            if not self.pairwise:
                continue
            y = work[y_, :m]
            np.copyto(y, blk)
            np.multiply(y, y, out=work[y2_, :m])
            np.equal(blk, 0, out=work[zb, :m])
            ptr = np.zeros(m + 1, dtype=np.int64)
            np.cumsum(n_miss, out=ptr[1:])
            if acc_rows + m > self.exact_rows:  # keep the float32 sums exact
                self.wz += acc
                acc[:] = 0.0
                acc_rows = 0
            acc_rows += m
            for i, b in enumerate((y_, zb, y2_)):
                _indicator_product(ptr, gi, work[b, :m], acc[i], by_rows=False)
            # T = mean of the answered items (0 for a row with none): not an integer, float64
            r = np.matmul(y, ones_w).astype(np.float64)
            tt = np.zeros((m, 2))
            ti = tt[:, 0]
            np.divide(r, n_ans, out=ti, where=n_ans > 0)
            np.multiply(ti, ti, out=tt[:, 1])
            np.copyto(a64[:m], y)
            ty = np.zeros((g_n, w))
            _indicator_product(row_ptr[: m + 1], gp, a64[:m], ty, by_rows=False, data=ti)
            self.ty += ty
            tz = np.zeros((g_n * k, 2))
            _indicator_product(ptr, gi, tt, tz, by_rows=False)
            self.tz += tz.reshape(g_n, k, 2)
            self.tm[:, 0] += np.bincount(gp, weights=ti, minlength=g_n)
            self.tm[:, 1] += np.bincount(gp, weights=tt[:, 1], minlength=g_n)
        if acc_rows:
            self.wz += acc

    def _adf(self, g: int, work: NDArray[np.float32], rs: NDArray[np.float32]) -> float:
        """:func:`_adf_alpha_var` on the complete rows, from their per-row sums of y^2 and y
        (``rs``) and one product per row with the column sums (exact in float32 when small
        enough, else float64)."""
        k, piece, w = self.k, self.piece, self.width
        gram, col = self.gram_c[g], self.col_c[g, 1, :k]
        m = rs.shape[1]
        mf = float(m)
        tot = float(col.sum())
        t = (float(np.trace(gram)) - float(col @ col) / mf) / mf
        s = (float(gram.sum()) - tot * tot / mf) / mf
        if s <= 0:
            return float("nan")
        c = k / (k - 1)
        a0 = int(self.bounds[g * (k + 2)])
        col_w = np.zeros(w)
        col_w[:k] = col
        y_ = self._Y
        if m <= self.proj_rows:  # col' y is an integer below 2**24: exact in float32
            cc = col_w.astype(np.float32)
            if m <= piece:
                proj32 = work[y_, :m] @ cc  # the block is still loaded
            else:
                proj32 = np.empty(m, dtype=np.float32)
                for p0 in range(0, m, piece):
                    mm = min(piece, m - p0)
                    y = work[y_, :mm]
                    np.copyto(y, self.srt[a0 + p0 : a0 + p0 + mm])
                    proj32[p0 : p0 + mm] = y @ cc
            proj = proj32.astype(np.float64)
        else:
            proj = np.empty(m)
            buf = np.empty((min(piece, m), w))
            for p0 in range(0, m, piece):
                mm = min(piece, m - p0)
                np.copyto(buf[:mm], self.srt[a0 + p0 : a0 + p0 + mm])
                proj[p0 : p0 + mm] = buf[:mm] @ col_w
        # q_i = c (-|y_i - mu|^2 / s + t (1'(y_i - mu))^2 / s^2), |y_i - mu|^2 = sum y^2
        # - 2 mu'y + |mu|^2; the constant |mu|^2 does not change the variance
        r64 = rs.astype(np.float64)
        proj *= -2.0 / mf
        proj += r64[0]
        oy = r64[1]
        oy -= tot / mf
        oy *= oy
        oy *= c * t / (s * s)
        proj *= -c / s
        proj += oy
        proj -= float(proj.sum()) / mf
        return float(proj @ proj) / mf / mf

    def finish(self) -> dict[str, FloatArray]:
        """GroupedMoments fields for all groups at once, in y = x - h units (``counts``: answers
        per scale point, or None without a scale; ``valid`` False when some answer is not one
        of the scale points)."""
        self._several()
        k, g_n, pairwise = self.k, self.g_n, self.pairwise
        kf = float(k)
        k1 = kf - 1.0
        lens = np.diff(self.bounds).reshape(g_n, k + 2).astype(np.float64)
        nc, seg_len = lens[:, 0], lens[:, 1 : k + 1]
        nr = lens.sum(axis=1)
        n_any = nc + seg_len.sum(axis=1) + self.answered_m
        gram_c = self.gram_c
        col_c, col_s, col_m = self.col_c[..., :k], self.col_s[..., :k], self.col_m[..., :k]

        def diag(a: FloatArray) -> FloatArray:
            return np.diagonal(a, axis1=-2, axis2=-1)

        ycol_c = col_c[:, 1]
        zsum = seg_len + self.zsum_m
        # complete rows: T = row sum / k, so its sums come from the Gram matrix
        tc_sum = ycol_c.sum(axis=-1) / kf
        tc_sq = gram_c.sum(axis=(-2, -1)) / kf**2
        shape3 = (g_n, k, k)
        out: dict[str, FloatArray] = {
            "n_any": n_any,
            "q": gram_c.copy(),
            "n": np.broadcast_to(nc[:, None, None], shape3).copy(),
            "s": np.broadcast_to(ycol_c[:, :, None], shape3).copy(),
            "q2": np.broadcast_to(diag(gram_c)[:, :, None], shape3).copy(),
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
            seg = self.seg[i][..., :k]
            wz = self.wz.reshape(3, g_n, k, -1).transpose(1, 0, 2, 3)[i][..., :k]
            tz, tm = self.tz[i], self.tm[i]
            zs = zsum[i]
            # T over rows missing one item = row sum / (k - 1): from their Gram matrix
            ti_sum = col_s[i, 1].sum(axis=-1) / k1 + tm[:, 0]
            ti_sq = gram_s.sum(axis=(-2, -1)) / k1**2 + tm[:, 1]
            eye = np.eye(k)
            out["q"][i] = gram
            out["n"][i] = nr[i, None, None] - zs[:, :, None] - zs[:, None, :] + wz[:, 1]
            out["n"][i] += seg_len[i, :, None] * eye
            coly = ycol_c[i] + col_s[i, 1] + col_m[i, 1]
            # [j, l]: sums of y_j over rows where l is missing (several, or only l)
            out["s"][i] = coly[:, :, None] - np.swapaxes(wz[:, 0] + seg[:, 0], -1, -2)
            out["q2"][i] = diag(gram)[:, :, None] - np.swapaxes(wz[:, 2] + seg[:, 1], -1, -2)
            out["t_x"][i] += gram_s.sum(axis=-1) / k1 + self.ty[i, :k]
            out["t_s"][i] += ti_sum[:, None] - (seg[:, 0].sum(axis=-1) / k1 + tz[:, :, 0])
            out["t_q"][i] += ti_sq[:, None] - (self.rsq[i] / k1**2 + tz[:, :, 1])
            out["t_sum"][i] += ti_sum
            out["t_sumsq"][i] += ti_sq
            out["t_n"][i] = n_any[i]
        if self.cat_codes is not None:
            codes = self.cat_codes.astype(np.float64)
            ans = nr[:, None] - zsum
            counts = np.zeros((g_n, k, codes.size))
            for i_c, c in enumerate(self.counted):
                counts[..., c] = self.counts[:, i_c, :k]
            out["valid"] = np.array(True)
            if self.gaps:  # every point counted: any other answer shows in the total
                out["valid"] = np.array(bool(np.all(counts.sum(axis=-1) == ans)))
            else:  # the lowest three points (u = y - v0 = 0, 1, 2) from sums of 1, u and u^2
                sq_s = diag(self.gram_s) if pairwise else col_s[:, 0]
                sq_m = diag(self.gram_m) if pairwise else col_m[:, 0]
                v0 = codes[0]
                n0 = ans - counts.sum(axis=-1)
                s1 = ycol_c + col_s[:, 1] + col_m[:, 1] - counts @ codes
                s2 = diag(gram_c) + sq_s + sq_m - counts @ (codes * codes)
                u1 = s1 - v0 * n0
                u2 = s2 - 2.0 * v0 * s1 + v0 * v0 * n0
                n2 = (u2 - u1) / 2.0 if codes.size > 2 else np.zeros_like(u1)
                if codes.size > 2:
                    counts[..., 2] = n2
                counts[..., 1] = u1 - 2.0 * n2
                counts[..., 0] = n0 - counts[..., 1] - n2
            out["counts"] = counts
        return out


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
    float64, so the sums equal the float64 ones. Pairwise, with M = 1 - Z (Z the missing
    indicators, zero-filled y): n = rows - z_j - z_l + Z'Z, s = colsum(y) - Y'Z,
    q2 = colsum(y^2) - (Y^2)'Z, and the Z products are sparse (2 % of the cells): for the rows
    missing one item (sorted by that item) they are segment sums, for the rest products with the
    indicator pattern; scipy's compiled CSR/CSC kernels do both. Category counts: the three
    lowest scale points from the number of answers and the sums of y and y^2 (Gram diagonal),
    the others by comparing the bytes, 255 rows at a time in 64-bit words.
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
    if cats is not None:  # the float path's power sums must be exact for equal counts
        big = max(abs(lo), abs(hi))
        if big ** (cats.size - 1) * n > 2.0**53:
            return None
    srt, bounds = _sort_rows(sc, grp, g_n, k)
    del sc
    cat_codes = None if cats is None else (cats - h).astype(np.int64)
    pairwise = missing == "pairwise"
    work = _IntGroups(srt, bounds, g_n, k, vmax, cat_codes, pairwise)
    # one thread: the per-group steps are many short numpy calls that hold the GIL, and a second
    # thread measured no faster
    work.run(range(g_n))
    f = work.finish()
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
        if not bool(f["valid"]):
            return None  # an answer between the given scale points: the float path decides
        # the float path's exact sums of x^p from these counts, and its solve: the same counts
        # (or the same None where that solve is too ill-conditioned, far from zero)
        power = f["counts"] @ (cats[:, None] ** np.arange(cats.size)[None, :])
        counts = _counts_from_power_sums(power, cats)
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
