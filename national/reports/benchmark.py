"""Report 2: benchmarking against the national targets: cells, national shares, funnels and
changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.inputs import FUNNEL_KINDS, N_BELOW_K, Json, PooledSnapshot
from national.reports.output import num, records, suppressed_copy, to_json
from national.reports.targets import (
    TARGET_KEYS,
    Core,
    Target,
    benchmark_core,
    point_reason,
    stat_entry,
)
from stats import (
    funnel_limits,
    newcombe_diff_ci,
    overdispersion,
)


def benchmark_report(
    snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], *, k: int = 5
) -> Json:
    """Cells, national shares, funnels and changes for the national targets.

    Returns ``{"k", "cells", "national", "funnels", "changes", "skipped_targets"}``:

    * ``cells``: per target x association x half-year: the target fields (``target_index``,
      ``point``, ``kind``, ``category``, ``target_level``, ``target_mean``, ``outcomes``),
      ``association``, ``period``, ``n``; share kinds ``successes``, ``share``,
      ``wilson_low/high``, ``exact_low/high``; mean kind ``mean``, ``sd``, ``ci_low/high``;
      ``signal`` (green/red/grey), ``clearly_above``, ``clearly_below``, ``suppressed``,
      ``reason``.
    * ``national``: the same per target x half-year over all associations.
    * ``funnels``: per share/register target x half-year: ``target_level``, ``national_share``,
      ``limits_target`` and ``limits_national`` (lists of ``{"n", "low_95", "high_95",
      "low_99.8", "high_99.8"}`` over an n grid; the national line adds ``*_phi``/``*_tau``
      limits when overdispersion could be estimated), ``overdispersion`` (``units``, ``p0``,
      ``phi``, ``p_value``, ``df``, ``tau2``, ``overdispersed``, ``suppressed``) and ``points``
      (per association ``n``, ``share``, ``position_target``, ``position_national``).
    * ``changes``: per share/register target x association: the two latest half-years with
      data, ``n``/``successes``/``share`` ``_before``/``_after``, ``change`` and Newcombe's
      ``change_low/high``.
    """
    core = benchmark_core(snapshot, targets, k)
    cells: list[Json] = []
    national: list[Json] = []
    funnels: list[Json] = []
    changes: list[Json] = []
    for t in core.targets:
        for row in records(core.cells[t.index]):
            why = point_reason(core, row["association"], t, row["period"])
            cells.append(stat_entry(t, row, why, ("association", "period"), k))
        for row in records(core.national[t.index]):
            national.append(stat_entry(t, row, None, ("period",), k))
        if t.kind in FUNNEL_KINDS:
            funnels += [target_funnel(core, t, period, k) for period in _periods(core, t)]
            changes += _changes(core, t)
    return to_json(
        {"k": k, "cells": cells, "national": national, "funnels": funnels, "changes": changes,
         "skipped_targets": core.skipped}
    )  # fmt: skip


def _periods(core: Core, t: Target) -> list[str]:
    nat = core.national[t.index]
    return sorted(str(p) for p in nat["period"]) if len(nat) else []


def _n_grid(n_max: float, k: int) -> NDArray[np.float64]:
    top = max(2.0 * k, 1.1 * n_max, 20.0)
    return np.unique(np.round(np.geomspace(max(k, 1), top, 40)))


def _position(share: float, lim: Mapping[str, Any]) -> str:
    if share > lim["high_99.8"]:
        return "above_99.8"
    if share > lim["high_95"]:
        return "above_95"
    if share < lim["low_99.8"]:
        return "below_99.8"
    if share < lim["low_95"]:
        return "below_95"
    return "inside"


def target_funnel(core: Core, t: Target, period: str, k: int) -> Json:
    """Funnel for one target and half-year (computed once per core; do not modify)."""
    key = (t.index, period)
    if key not in core.funnels:
        core.funnels[key] = _funnel_build(core, t, period, k)
    return core.funnels[key]


def _funnel_build(core: Core, t: Target, period: str, k: int) -> Json:
    """Funnel for one target and half-year: limit lines, overdispersion and unit points."""
    nat = core.national[t.index]
    nat_row = nat[nat["period"] == period].iloc[0]
    nat_n = int(nat_row["n"])
    p_nat = num(nat_row["share"]) if nat_n >= k else None
    cells = core.cells[t.index]
    cells = cells[cells["period"] == period]
    why = [point_reason(core, a, t, period) for a in cells["association"]]
    published = cells[[w is None and n > 0 for w, n in zip(why, cells["n"], strict=True)]]
    n_pub = published["n"].to_numpy(dtype=np.float64)
    y_pub = published["successes"].to_numpy(dtype=np.float64)
    grid = _n_grid(float(n_pub.max()) if n_pub.size else 0.0, k)
    od: Json = {"units": int(n_pub.size), "p0": None, "phi": None, "p_value": None, "df": None,
                "tau2": None, "overdispersed": None, "suppressed": True}  # fmt: skip
    phi = tau2 = None
    p0 = float(y_pub.sum() / n_pub.sum()) if n_pub.size else float("nan")
    if n_pub.size >= 3 and 0.0 < p0 < 1.0:
        res = overdispersion(y_pub, n_pub)
        phi, tau2 = res.phi, res.tau2
        od = {"units": int(n_pub.size), "p0": p0, "phi": res.phi, "p_value": res.p_value,
              "df": res.df, "tau2": res.tau2, "overdispersed": res.overdispersed,
              "suppressed": False}  # fmt: skip
    lim_target: list[Json] = []
    pos_t: dict[str, str] = {}
    if 0.0 < t.level < 1.0:
        lim_target, pos_t = _lines_and_positions(grid, published, t.level)
    lim_nat: list[Json] = []
    pos_n: dict[str, str] = {}
    if p_nat is not None and 0.0 < p_nat < 1.0:
        lim_nat, pos_n = _lines_and_positions(grid, published, p_nat, phi=phi, tau2=tau2)
    points: list[Json] = []
    for row, w in zip(records(cells), why, strict=True):
        a = row["association"]
        entry = {"association": a, "n": int(row["n"]), "share": row["share"],
                 "position_target": pos_t.get(a), "position_national": pos_n.get(a)}  # fmt: skip
        if w is None and entry["n"] > 0:
            points.append({**entry, "suppressed": False, "reason": None})
        else:
            points.append(suppressed_copy(entry, ("association",), w or N_BELOW_K))
    return {
        **t.describe(),
        "period": period,
        "national_n": nat_n if nat_n >= k else None,
        "national_share": p_nat,
        "limits_target": lim_target,
        "limits_national": lim_nat,
        "overdispersion": od,
        "points": points,
    }


def _lines_and_positions(
    grid: NDArray[np.float64],
    units: pd.DataFrame,
    p0: float,
    phi: float | None = None,
    tau2: float | None = None,
) -> tuple[list[Json], dict[str, str]]:
    """Limit lines over the n grid and each unit's position, from one :func:`funnel_limits`
    call on the grid and the units' n together."""
    unit_n = units["n"].to_numpy(dtype=np.float64)
    table = records(funnel_limits(np.concatenate([grid, unit_n]), p0, phi=phi, tau2=tau2))
    lines, at_units = table[: grid.size], table[grid.size :]
    positions = {
        str(a): _position(float(s), li)
        for a, s, li in zip(units["association"], units["share"], at_units, strict=True)
    }
    return lines, positions


def _change_table(cells: pd.DataFrame, before: str, after: str) -> pd.DataFrame:
    """:func:`stats.change_between_periods` from the cells' counts (n answers with a value,
    successes), which are exactly what it would count again from the answers: per association
    in either half-year (sorted), n/successes/share before and after, change and Newcombe's
    CI."""
    assoc = cells["association"].astype(str).to_numpy()
    period = cells["period"].astype(str).to_numpy()
    names = sorted(set(assoc[(period == before) | (period == after)]))
    position = {name: i for i, name in enumerate(names)}
    out: dict[str, Any] = {"association": names}
    for tag, which in (("before", before), ("after", after)):
        sel = period == which
        rows = np.array([position[a] for a in assoc[sel]], dtype=np.int64)
        for key in ("n", "successes"):
            column = np.full(len(names), np.nan)
            column[rows] = cells[key].to_numpy(dtype=np.float64)[sel]
            out[f"{key}_{tag}"] = column
    with np.errstate(invalid="ignore", divide="ignore"):
        for tag in ("before", "after"):
            out[f"share_{tag}"] = out[f"successes_{tag}"] / out[f"n_{tag}"]
    out["change"] = out["share_after"] - out["share_before"]
    out["change_low"], out["change_high"] = newcombe_diff_ci(
        out["successes_before"], out["n_before"], out["successes_after"], out["n_after"]
    )
    return pd.DataFrame(out)


def _changes(core: Core, t: Target) -> list[Json]:
    periods = _periods(core, t)
    if len(periods) < 2:
        return []
    before, after = periods[-2], periods[-1]
    ch = _change_table(core.cells[t.index], before, after)
    out: list[Json] = []
    for row in records(ch):
        a = str(row["association"])
        entry: Json = {**t.describe(), "association": a, "before": before, "after": after}
        for tag in ("before", "after"):
            for key in ("n", "successes", "share"):
                entry[f"{key}_{tag}"] = num(row[f"{key}_{tag}"])
        for key in ("change", "change_low", "change_high"):
            entry[key] = num(row[key])
        w_b = point_reason(core, a, t, before)
        w_a = point_reason(core, a, t, after)
        nb, na = entry["n_before"], entry["n_after"]
        if nb is None or na is None or nb < 1 or na < 1:
            why: str | None = N_BELOW_K
        else:
            why = w_b or w_a
        if why is not None:
            out.append(suppressed_copy(entry, (*TARGET_KEYS, "association", "before", "after"),
                                        why))  # fmt: skip
        else:
            for tag in ("before", "after"):
                entry[f"n_{tag}"] = int(entry[f"n_{tag}"])
                entry[f"successes_{tag}"] = int(entry[f"successes_{tag}"])
            out.append({**entry, "suppressed": False, "reason": None})
    return out
