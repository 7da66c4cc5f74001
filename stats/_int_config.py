"""Block sizes and thread count of the small-integer moment path (module attributes, so tests
can shrink them), and the thread helper."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")

_EXACT32 = 1 << 24  # float32 sums of integers are exact while every partial sum stays below 2**24
_SCAN_CELLS = 1 << 18  # cells per scan chunk: 2 MB of float64, stays in cache between steps
_PIECE_ROWS = 16384  # rows per float32 block in the per-group loop
_COUNT_ROWS = 1 << 16  # rows per byte block when counting answers per category
_MAX_CODE = 64  # small-integer path: answered values span at most 64 points
_THREADS = 2  # scan, sort and per-group work run on this many threads


def _parallel(fn: Callable[[int], _T], n_tasks: int) -> list[_T]:
    """fn(0 .. n_tasks - 1) on up to _THREADS threads (numpy and BLAS release the GIL)."""
    if n_tasks <= 1:
        return [fn(i) for i in range(n_tasks)]
    with ThreadPoolExecutor(min(_THREADS, n_tasks)) as ex:
        return list(ex.map(fn, range(n_tasks)))
