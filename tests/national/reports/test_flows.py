"""Exits tables: no suppressed cell can be narrowed by linear programming on everything
published."""

from __future__ import annotations

from tests.national.reports._data import (
    assert_flow_protected,
)


def test_flow_tables_leak_nothing_by_linear_programming(snapshot, own_results):
    for code, res in own_results.items():
        for flow in res["flow"]:
            assert_flow_protected(snapshot, code, flow, res)
