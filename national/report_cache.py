"""In-process cache of stored snapshot reports and of what pages derive from them (issue 14.6).

A benchmark report of 100 associations is ~8 MB of JSON: reading and parsing it took most of
a dashboard request. Reports are written once by the report step, so a payload is cached
under its row id and row version (PostgreSQL's ``xmin`` and ``ctid``: the writing transaction
and the tuple's place, one of which changes with any update, even within one transaction): a
request costs one small query to learn the version, and a changed, deleted or recreated report
is read afresh. Each process holds the few latest payloads (bounded).

Cached payloads are shared between requests and threads: callers must not mutate them (every
reader builds new dicts and lists; tests/national/test_report_cache.py checks the dashboard's).
:func:`derived` memoises a pure function of one cached payload (the dashboard's lookups, the
reliability flags) for as long as the payload stays cached.

Cached payloads are millions of dicts and lists: every full (generation-2) collection of
Python's cycle collector walked them all, a ~200 ms pause that fell on whichever request
triggered it (bench_dashboard: drill-down p95 227 ms against a p50 of 36 ms). After a miss
the cache collects once and freezes what is alive (``gc.freeze``: moved to the permanent
generation, which collections skip). Frozen objects are still freed by reference counting
when evicted; JSON payloads hold no reference cycles, so nothing leaks with them.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: payloads kept per process (a benchmark, reliability, validity and validation report of the
#: latest two snapshots)
MAX_PAYLOADS = 8
MAX_DERIVED = 32

_lock = threading.Lock()
_payloads: OrderedDict[Hashable, Any] = OrderedDict()
# (id(payload), name) -> (payload, value): the payload is held so its id is not reused
_derived: OrderedDict[tuple[int, str], tuple[Any, Any]] = OrderedDict()


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """The payload cached under ``key`` (row id and version), loaded by ``load`` on a miss."""
    with _lock:
        if key in _payloads:
            _payloads.move_to_end(key)
            return _payloads[key]
    value = load()  # outside the lock: a slow read does not hold up other threads' hits
    with _lock:
        _payloads[key] = value
        _payloads.move_to_end(key)
        while len(_payloads) > MAX_PAYLOADS:
            _payloads.popitem(last=False)
    _freeze()
    return value


def derived(payload: Any, name: str, compute: Callable[[Any], T]) -> T:
    """``compute(payload)``, memoised per payload object and ``name``."""
    key = (id(payload), name)
    with _lock:
        hit = _derived.get(key)
        if hit is not None and hit[0] is payload:
            _derived.move_to_end(key)
            return hit[1]
    value = compute(payload)
    with _lock:
        _derived[key] = (payload, value)
        _derived.move_to_end(key)
        while len(_derived) > MAX_DERIVED:
            _derived.popitem(last=False)
    _freeze()
    return value


def _freeze() -> None:
    """Keep the cycle collector off the cached objects (module docstring): collect the
    garbage there is, then move everything alive to the permanent generation."""
    gc.collect()
    gc.freeze()


def clear() -> None:
    with _lock:
        _payloads.clear()
        _derived.clear()
