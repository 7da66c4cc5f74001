"""Single-threaded BLAS for the duration of a block (OpenBLAS; a no-op with any other BLAS).

The products in this package are tall and skinny (thousands of rows by a few dozen items) and
come in long sequences of small calls. OpenBLAS splits each one over its thread pool, and between
calls its threads spin while numpy's own elementwise steps run: on a machine whose cores are
busy, that costs 3-10x. One thread per call is faster here, and where parallelism pays we run our
own threads (see :mod:`stats.bootstrap`).

The thread count is process-wide in OpenBLAS, so it is set on entry to the outermost block and
restored on exit from it (a counter makes nested and concurrent blocks safe). The libraries are
found through ``/proc/self/maps`` (Linux) and their exported ``*_set_num_threads`` functions, as
``threadpoolctl`` does; elsewhere nothing happens.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

_lock = threading.Lock()
_depth = 0
_saved: list[tuple[Callable[[int], object], int]] = []


@lru_cache(maxsize=1)
def _openblas() -> tuple[tuple[Callable[[], int], Callable[[int], object]], ...]:
    """(get, set) thread-count functions of every OpenBLAS loaded in this process."""
    if not sys.platform.startswith("linux"):
        return ()
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            paths = {ln.split()[-1] for ln in fh if "openblas" in ln.lower() and "/" in ln}
    except OSError:
        return ()
    found = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "_64", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    get.argtypes = []
                    put.restype = None
                    put.argtypes = [ctypes.c_int]
                    found.append((get, put))
                    break
            else:
                continue
            break
    return tuple(found)


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one BLAS thread; restores the previous count afterwards."""
    global _depth
    with _lock:
        if _depth == 0:
            _saved.clear()
            for get, put in _openblas():
                n = int(get())
                if n != 1:
                    _saved.append((put, n))
                    put(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for put, n in _saved:
                    put(n)
                _saved.clear()
