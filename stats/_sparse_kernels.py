"""Sparse missing-indicator products (scipy's compiled CSR/CSC kernels) and byte counts for
the small-integer moment path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from stats._moments_base import IntArray

_F = TypeVar("_F", np.float32, np.float64)


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
