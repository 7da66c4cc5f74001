"""Small-integer path, step 1 and 2: scan the answers into one byte per cell and sort the byte
rows by (group, class). See :func:`stats._int_moments._small_int_moments`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from stats import _int_config as cfg
from stats._int_config import _parallel
from stats._moments_base import FloatArray, IntArray


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
    parts = min(cfg._THREADS, n_chunks)
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
    step = max(256, cfg._SCAN_CELLS // k)
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
    if res is None or res.hi - res.offset > cfg._MAX_CODE:
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
    parts = cfg._THREADS if n >= 1 << 16 else 1
    cut = [n * i // parts for i in range(parts + 1)]
    _parallel(
        lambda i: np.take(
            words, order[cut[i] : cut[i + 1]], axis=0, out=srt[cut[i] : cut[i + 1]], mode="clip"
        ),
        parts,
    )
    return srt.view(np.uint8), bounds
