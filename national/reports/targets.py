"""Targets and the benchmark core shared by the benchmark report and the associations'
results: cells, national lines and the suppression masks."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from national.reports.frames import answers_where, memoised, prepared_answers, prepared_exits
from national.reports.inputs import (
    EXIT_OUTCOMES,
    FUNNEL_KINDS,
    N_BELOW_K,
    REGISTER_POINT,
    SURVEY_KINDS,
    InstrumentMap,
    Json,
    PooledSnapshot,
)
from national.reports.output import line_reasons, num, suppressed_copy
from national.reports.periods import period_bounds, target_for
from stats import (
    target_shares,
)


@dataclass(frozen=True)
class Target:
    index: int
    point: int
    kind: str
    category: int | None
    percent: float | None
    mean: float | None
    outcomes: tuple[str, ...]
    categories: tuple[int, ...] = ()
    valid_from: str | None = None
    valid_to: str | None = None

    @property
    def level(self) -> float:
        return float(self.percent or 0.0) / 100.0

    def describe(self) -> Json:
        out: Json = {
            "target_index": self.index,
            "point": self.point,
            "kind": self.kind,
            "category": self.category,
            "target_level": self.level if self.kind in SHARE_KINDS else None,
            "target_mean": self.mean,
            "outcomes": list(self.outcomes),
        }
        # only when set, so targets without them read as before
        if self.categories:
            out["categories"] = list(self.categories)
        if self.valid_from is not None:
            out["valid_from"] = self.valid_from
            out["valid_to"] = self.valid_to
        return out


SHARE_KINDS = FUNNEL_KINDS | {"share_at_most"}
TARGET_KEYS = ("target_index", "point", "kind", "category", "categories", "target_level",
               "target_mean", "outcomes", "valid_from", "valid_to")  # fmt: skip


def _targets(
    targets: Sequence[Mapping[str, Any]], inst: InstrumentMap
) -> tuple[list[Target], list[Json]]:
    """Supported targets and the skipped ones with a reason."""
    out: list[Target] = []
    skipped: list[Json] = []
    for i, t in enumerate(targets):
        kind = str(t.get("kind"))
        point = int(t["point"])
        cat = t.get("category")
        pct = num(t.get("percent"))
        mean = num(t.get("mean"))
        outcomes = tuple(str(o) for o in (t.get("outcomes") or ()))
        cats = tuple(sorted(int(c) for c in (t.get("categories") or ())))
        why = None
        if kind == "good_example":
            why = "good_example"
        elif kind in SURVEY_KINDS or kind == "share_at_most":
            if not inst.point_items(point):
                why = "point_has_no_items"
            elif (
                kind in ("share_at_least", "share_at_most")
                and ((cat is None and not cats) or pct is None)
            ) or (kind == "mean_at_least" and mean is None):
                why = "incomplete_rule"
        elif kind == "register_share":
            if point != REGISTER_POINT:
                why = "register_share_only_on_point_20"
            elif pct is None or not outcomes or not set(outcomes) <= set(EXIT_OUTCOMES):
                why = "incomplete_rule"
        else:
            why = "unknown_kind"
        if why is not None:
            skipped.append({"target_index": i, "point": point, "kind": kind, "reason": why})
            continue
        out.append(
            Target(index=i, point=point, kind=kind,
                    category=None if cat is None else int(cat), percent=pct, mean=mean,
                    outcomes=outcomes, categories=cats,
                    valid_from=_iso(t.get("valid_from")), valid_to=_iso(t.get("valid_to")))
        )  # fmt: skip
    return out, skipped


def _iso(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)[:10]


@dataclass(frozen=True)
class TargetData:
    """Rows a target is computed on: association, period, gender and ``value`` (float, NaN =
    not an answer) with the rule ``value >= at_least`` (share kinds) or the mean (mean kind)."""

    target: Target
    rows: pd.DataFrame
    at_least: float | None
    accept: tuple[int, ...] = ()


@dataclass(frozen=True)
class Core:
    targets: list[Target]
    skipped: list[Json]
    data: dict[int, TargetData]
    reasons: dict[tuple[str, int, str], str | None]  # (association, point, period)
    cells: dict[int, pd.DataFrame]
    national: dict[int, pd.DataFrame]
    exits: pd.DataFrame
    # funnels per (target index, period), shared by the benchmark report and the associations
    funnels: dict[tuple[int, str], Json] = field(default_factory=dict, compare=False)


def benchmark_core(snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], k: int) -> Core:
    """Cells, national lines and masks for the targets; built once per snapshot, targets and
    k (the benchmark report and the associations' results share it)."""
    key = "core:" + json.dumps([k, list(targets)], sort_keys=True, default=str)
    return memoised(snapshot, key, lambda snap: _core_build(snap, targets, k))


def _core_build(snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], k: int) -> Core:
    inst = snapshot.instrument
    tlist, skipped = _targets(targets, inst)
    ans = prepared_answers(snapshot)
    exits = prepared_exits(snapshot)

    # n per association x point x period (answers with a value) and the suppression masks
    n_survey = ans.groupby(["point", "period", "association"], sort=True)["x"].count()
    n_register = exits.groupby(["period", "association"], sort=True).size()
    n_register.index = pd.MultiIndex.from_tuples(
        [(REGISTER_POINT, p, a) for p, a in n_register.index], names=["point", "period", "a"]
    )
    reasons: dict[tuple[str, int, str], str | None] = {}
    for n_all in (n_survey, n_register):
        for (point, period), line in n_all.groupby(level=[0, 1], sort=True):
            for (_, _, assoc), why in zip(
                line.index, line_reasons(line.to_numpy(), k), strict=True
            ):
                reasons[(str(assoc), int(point), str(period))] = why

    data: dict[int, TargetData] = {}
    cells: dict[int, pd.DataFrame] = {}
    national: dict[int, pd.DataFrame] = {}
    by_point: dict[int, pd.DataFrame] = {}
    for t in tlist:
        if t.kind == "register_share":
            rows = exits.assign(value=exits["outcome"].isin(t.outcomes).astype(np.float64))
            td = TargetData(t, rows[["association", "period", "gender", "value"]], 1.0)
        else:
            if t.point not in by_point:
                # the point's rows, taking only the four columns needed
                rows = answers_where(snapshot, "point", [str(t.point)],
                                      ["association", "period", "gender", "x"])  # fmt: skip
                by_point[t.point] = rows.rename(columns={"x": "value"})
            share = t.kind in ("share_at_least", "share_at_most")
            cat = t.category if share and not t.categories else None
            at_least = None if cat is None else float(cat)
            td = TargetData(t, by_point[t.point], at_least, t.categories if share else ())
        data[t.index] = td
        cells[t.index] = _in_period(unit_stats(td, ["association", "period"], k), t, targets)
        national[t.index] = _in_period(unit_stats(td, ["period"], k), t, targets)
    return Core(tlist, skipped, data, reasons, cells, national, exits)


def _in_period(
    frame: pd.DataFrame, t: Target, targets: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Keep the periods whose result uses ``t`` (:func:`periods.target_for` among the targets
    with a validity period; a target without one applies to every period)."""
    if t.valid_from is None or frame.empty:
        return frame
    dated = [dict(x, _index=i) for i, x in enumerate(targets) if x.get("valid_from")]
    periods = frame["period"].astype(str)
    keep = {
        p: (found := target_for(dated, t.point, *period_bounds(p))) is not None
        and found["_index"] == t.index
        for p in periods.unique()
    }
    return frame[periods.map(keep).to_numpy(dtype=bool)].reset_index(drop=True)


def unit_stats(td: TargetData, by: list[str], k: int) -> pd.DataFrame:
    """Per unit: share statistics via :func:`stats.target_shares`, or mean with a t CI."""
    t = td.target
    if td.rows.empty:
        return pd.DataFrame(columns=[*by, "n"])
    if t.kind != "mean_at_least":
        return target_shares(
            td.rows,
            value="value",
            by=by,
            target=t.level,
            at_least=td.at_least,
            accept=[float(c) for c in td.accept] or None,
            at_most=t.kind == "share_at_most",
            min_n=k,
        )
    g = td.rows.groupby(by, sort=True)["value"].agg(["count", "mean", "std"]).reset_index()
    g = g.rename(columns={"count": "n", "std": "sd"})
    n = g["n"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(0.975, n - 1) * g["sd"].to_numpy() / np.sqrt(n)
    g["ci_low"] = g["mean"] - half
    g["ci_high"] = g["mean"] + half
    target = float(t.mean or 0.0)
    g["signal"] = np.where(n < k, "grey", np.where(g["mean"] >= target, "green", "red"))
    clearly = np.where(g["ci_low"] > target, "above", np.where(g["ci_high"] < target, "below", ""))
    g["clearly"] = np.where(n >= k, clearly, "")
    g["n"] = g["n"].astype(np.int64)
    return g


SHARE_KEYS = ("successes", "share", "wilson_low", "wilson_high", "exact_low", "exact_high")
MEAN_KEYS = ("mean", "sd", "ci_low", "ci_high")


def stat_entry(
    t: Target, row: Mapping[str, Any], why: str | None, keep: Sequence[str], k: int
) -> Json:
    """One published (or suppressed) statistics entry from a :func:`unit_stats` row."""
    entry: Json = {**t.describe(), **{key: row[key] for key in keep}, "n": int(row["n"])}
    stat_keys = MEAN_KEYS if t.kind == "mean_at_least" else SHARE_KEYS
    for key in stat_keys:
        entry[key] = row[key] if key != "successes" else int(row[key])
    entry["signal"] = str(row["signal"])
    entry["clearly_above"] = row["clearly"] == "above"
    entry["clearly_below"] = row["clearly"] == "below"
    if int(row["n"]) < k and why is None:
        why = N_BELOW_K
    if why is not None:
        return suppressed_copy(entry, (*TARGET_KEYS, *keep), why)
    entry["suppressed"] = False
    entry["reason"] = None
    return entry


def point_reason(core: Core, assoc: str, t: Target, period: str) -> str | None:
    return core.reasons.get((assoc, t.point, period), N_BELOW_K)
