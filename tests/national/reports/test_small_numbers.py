"""The small-numbers property over random small snapshots: no published number describes
fewer than k units, totals never reveal small groups."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.reports import (
    PooledSnapshot,
    association_results,
    benchmark_report,
    reliability_report,
    validity_report,
)
from tests.national.reports._data import (
    TARGETS,
    K,
    assert_flow_protected,
    hand_counts,
    small_snapshot,
    strings,
)

ID_KEYS = {"point", "indicator", "category", "target_level", "target_mean", "target_index", "k",
           "units"}  # fmt: skip
N_KEYS = {"n", "n_before", "n_after", "n1", "n2", "n_pair_min", "national_n"}


def _numbers(obj: Any, key: str | None = None):
    """(key, value) of every numeric leaf, skipping identifiers and funnel-limit grids."""
    if isinstance(obj, dict):
        for kk, v in obj.items():
            if kk in ID_KEYS or kk.startswith("limits_"):
                continue
            yield from _numbers(v, kk)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v, key)
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        yield key, obj


def _dicts(obj: Any):
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _dicts(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _dicts(v)


def assert_no_small_numbers(report: Any, k: int) -> None:
    for key, v in _numbers(report):
        if key in N_KEYS:
            assert v == 0 or v >= k, (key, v)
    for d in _dicts(report):
        if d.get("suppressed") is True:
            leaks = [(kk, v) for kk, v in _numbers(d) if not (kk == "n" and v >= k)]
            assert leaks == [], d
        if "counts" in d:  # exits tables: every shown count is 0 or at least k
            for row in d["counts"]:
                assert all(v is None or v == 0 or v >= k for kk, v in row.items()
                           if kk != "outcome")  # fmt: skip


def assert_totals_hide_small_groups(snap: PooledSnapshot, bench: dict, k: int) -> None:
    for nat in bench["national"]:
        if nat["suppressed"]:
            continue
        cells = [c for c in bench["cells"] if c["target_index"] == nat["target_index"]
                 and c["period"] == nat["period"]]  # fmt: skip
        hidden = nat["n"] - sum(c["n"] for c in cells if not c["suppressed"])
        assert hidden == 0 or hidden >= k
    for t_index, t in enumerate(TARGETS):
        if t["kind"] not in ("share_at_least", "mean_at_least"):
            continue
        items = {c for c, p in snap.instrument.item_point.items() if p == t["point"]}
        counts = hand_counts(snap, items, t["category"] or 1)
        for c in bench["cells"]:
            n = counts.get((c["association"], c["period"]), [0, 0])[0]
            if c["target_index"] == t_index and n < k:
                assert c["suppressed"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(0, 14), min_size=2, max_size=4),
    staff=st.integers(0, 8),
)
def test_no_number_from_fewer_than_k(seed, sizes, staff):
    snap = small_snapshot(seed, sizes, [staff + i for i in range(len(sizes))])
    bench = benchmark_report(snap, TARGETS, k=K)
    reports = [bench, reliability_report(snap, k=K), validity_report(snap, k=K)]
    codes = sorted(snap.answers["association"].unique())
    for code in codes:
        own = association_results(snap, code, TARGETS, k=K)
        assert all(code == s or not any(o in s for o in codes if o != code)
                   for s in strings(own))  # fmt: skip
        for flow in own["flow"]:
            assert_flow_protected(snap, code, flow, own)
        reports.append(own)
    for report in reports:
        json.dumps(report, allow_nan=False)
        assert_no_small_numbers(report, K)
    assert_totals_hide_small_groups(snap, bench, K)
