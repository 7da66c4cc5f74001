"""Lookups over a stored benchmark report for the steering group's dashboard, built once per
payload: with 100 associations a report holds some 8,000 cells, and the matrix, the trend,
the funnel and the drill-down each looked for "the first target of a point" by sorting and
scanning all of them, once per point (issue 14.6). Pure Python; no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]
CellKey = tuple[str, int, str]  # (association, point, period)


@dataclass(frozen=True)
class BenchmarkIndex:
    """``first``: one cell per (association, point, period), the point's first target (lowest
    ``target_index``; the report's order among equals), in that order. ``by_period`` and
    ``by_point_period`` split ``first`` (same order). ``national``: the first national row per
    (point, period). ``funnels``: the first funnel per (point, period) in the report's order;
    ``funnel_points``: the points with a funnel per period."""

    first: dict[CellKey, Row]
    by_period: dict[str, dict[CellKey, Row]]
    by_point_period: dict[tuple[int, str], list[tuple[str, Row]]]
    national: dict[tuple[int, str], Row]
    funnels: dict[tuple[int, str], Row]
    funnel_points: dict[str, frozenset[int]]


def _order(row: Mapping[str, Any]) -> int:
    return int(row.get("target_index") or 0)


def benchmark_index(bench: Mapping[str, Any]) -> BenchmarkIndex:
    """The lookups of :class:`BenchmarkIndex` over a benchmark payload (cells, national rows,
    funnels)."""
    first: dict[CellKey, Row] = {}
    for c in sorted(bench.get("cells", []), key=_order):
        first.setdefault((str(c["association"]), int(c["point"]), str(c["period"])), c)
    by_period: dict[str, dict[CellKey, Row]] = {}
    by_point_period: dict[tuple[int, str], list[tuple[str, Row]]] = {}
    for key, c in first.items():
        association, point, period = key
        by_period.setdefault(period, {})[key] = c
        by_point_period.setdefault((point, period), []).append((association, c))
    national: dict[tuple[int, str], Row] = {}
    for r in sorted(bench.get("national", []), key=_order):
        national.setdefault((int(r["point"]), str(r["period"])), r)
    funnels: dict[tuple[int, str], Row] = {}
    points: dict[str, set[int]] = {}
    for f in bench.get("funnels", []):
        funnels.setdefault((int(f["point"]), str(f["period"])), f)
        points.setdefault(str(f["period"]), set()).add(int(f["point"]))
    return BenchmarkIndex(
        first=first,
        by_period=by_period,
        by_point_period=by_point_period,
        national=national,
        funnels=funnels,
        funnel_points={period: frozenset(p) for period, p in points.items()},
    )
