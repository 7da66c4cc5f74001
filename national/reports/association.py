"""Report 4: one association's own results (social accounting form), on the national
masks and lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.benchmark import target_funnel
from national.reports.flows import exit_flows
from national.reports.frames import prepared_answers
from national.reports.inputs import (
    COMPLEMENTARY,
    FUNNEL_KINDS,
    GENDER_ROWS,
    N_BELOW_K,
    UNKNOWN_GENDER,
    Json,
    PooledSnapshot,
    mean_text,
    share_text,
)
from national.reports.output import line_reasons, num, records, suppressed_copy, to_json
from national.reports.targets import (
    MEAN_KEYS,
    SHARE_KEYS,
    Core,
    Target,
    benchmark_core,
    point_reason,
    stat_entry,
    unit_stats,
)
from national.reports.viewer import national_view, viewer_lines


def association_results(
    snapshot: PooledSnapshot,
    association: str,
    targets: Sequence[Mapping[str, Any]],
    *,
    k: int = 5,
    min_associations: int = 3,
) -> Json:
    """One association's results against the targets, for its social accounting report.

    Returns ``{"association", "k", "min_associations", "results", "flow", "funnels",
    "skipped_targets"}``:

    * ``results``: per target x half-year with data: the target fields, ``period``, ``n``, the
      statistics of :func:`benchmark_report`'s cells, ``text`` ("75 % (18/24)"; for means
      "3,8 (n = 24)"), ``signal`` and ``by_gender`` (per gender woman/man/other/undisclosed/
      unknown: ``n``, ``successes``, ``share`` or ``mean``, ``text``, ``suppressed``).
    * ``flow``: per half-year, exits by outcome x gender with margins: ``rows`` (outcomes +
      "total"), ``columns`` (genders + "total"), ``counts`` (list of rows, None = suppressed).
    * ``funnels``: per share/register target x half-year: ``national_n``, ``national_share``
      (None with ``national_reason`` unless :mod:`national.reports.viewer` allows them for this
      association: at least ``min_associations`` associations with n >= k each, nothing
      differenced out), limit lines on the viewer's own n grid and ``own``: this association's
      ``n``, ``share`` and positions (never another association's point, code or n; no
      overdispersion).
    The suppression masks are the national ones (module docstring).
    """
    core = benchmark_core(snapshot, targets, k)
    shared = _Shared(core, k, min_associations)
    return _association_results(core, str(association), k, shared)


def association_results_all(
    snapshot: PooledSnapshot,
    targets: Sequence[Mapping[str, Any]],
    *,
    k: int = 5,
    min_associations: int = 3,
) -> dict[str, Json]:
    """:func:`association_results` for every association, sharing one computation of the
    national cells, masks and funnels (what publication stores), without the funnels' national
    lines (:func:`without_funnel_lines`)."""
    core = benchmark_core(snapshot, targets, k)
    shared = _Shared(core, k, min_associations)
    associations = sorted(str(a) for a in prepared_answers(snapshot)["association"].unique())
    return {a: _association_results(core, a, k, shared, lines=False) for a in associations}


class _Shared:
    """What every association's results share, computed once and looked up by association:
    each target's cells, per-gender statistics, funnels and the exits by association."""

    def __init__(self, core: Core, k: int, min_associations: int) -> None:
        self.core = core
        self.k = k
        self.min_associations = min_associations
        self.cells: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for t in core.targets:
            by_assoc: dict[str, list[dict[str, Any]]] = {}
            for row in records(core.cells[t.index]) if len(core.cells[t.index]) else []:
                by_assoc.setdefault(str(row["association"]), []).append(row)
            self.cells[t.index] = by_assoc
        self._genders: dict[int, dict[tuple[str, str], list[dict[str, Any] | None]]] = {}
        self.funnels: dict[tuple[int, str], tuple[dict[str, Json], dict[str, Json]]] = {}
        self.exits: dict[str, pd.DataFrame] = {
            str(a): grp for a, grp in core.exits.groupby("association", sort=False)
        }

    def genders(self, t: Target) -> dict[tuple[str, str], list[dict[str, Any] | None]]:
        """A target's statistics per (association, period): one record per gender row
        (None where nobody of that gender answered), from one grouped call."""
        if t.index not in self._genders:
            table = unit_stats(self.core.data[t.index], ["association", "period", "gender"],
                                self.k)  # fmt: skip
            out: dict[tuple[str, str], list[dict[str, Any] | None]] = {}
            position = {g: i for i, g in enumerate(GENDER_ROWS)}
            for row in records(table) if len(table) else []:
                key = (str(row["association"]), str(row["period"]))
                slots = out.setdefault(key, [None] * len(GENDER_ROWS))
                slots[position[str(row["gender"])]] = row
            self._genders[t.index] = out
        return self._genders[t.index]


def _association_results(
    core: Core, assoc: str, k: int, shared: _Shared, *, lines: bool = True
) -> Json:
    flows, reg_genders = exit_flows(core, assoc, k, shared.exits.get(assoc))
    results: list[Json] = []
    funnels: list[Json] = []
    for t in core.targets:
        for row in shared.cells[t.index].get(assoc, []):
            period = str(row["period"])
            entry = stat_entry(t, row, point_reason(core, assoc, t, period), ("period",), k)
            entry["text"] = None
            entry["by_gender"] = []
            if not entry["suppressed"]:
                entry["text"] = _text(t, entry)
                entry["by_gender"] = _by_gender(shared, t, assoc, period, k, reg_genders)
            results.append(entry)
            if t.kind in FUNNEL_KINDS:
                funnel = _own_funnel(shared, t, period, assoc)
                if lines:
                    funnel.update(viewer_lines(funnel, k))
                funnels.append(funnel)
    return to_json(
        {"association": assoc, "k": k, "min_associations": shared.min_associations,
         "results": results, "flow": flows, "funnels": funnels, "skipped_targets": core.skipped}
    )  # fmt: skip


def _text(t: Target, entry: Mapping[str, Any]) -> str | None:
    if entry["n"] is None or entry["n"] < 1:
        return None
    if t.kind == "mean_at_least":
        return None if num(entry["mean"]) is None else mean_text(entry["mean"], entry["n"])
    return share_text(int(entry["successes"]), int(entry["n"]))


def _by_gender(
    shared: _Shared,
    t: Target,
    assoc: str,
    period: str,
    k: int,
    reg_genders: Mapping[str, NDArray[np.bool_]],
) -> list[Json]:
    """Gender rows of one published cell; the cell's total is published, so the genders are
    suppressed as a line with that total (register: as decided by the flow table)."""
    slots = shared.genders(t).get((assoc, period))
    if slots is None or all(
        rec is None for gender, rec in zip(GENDER_ROWS, slots, strict=True)
        if gender != UNKNOWN_GENDER
    ):  # fmt: skip
        return []  # staff, board, manager and partner forms carry no gender
    n = np.array([0 if rec is None else int(rec["n"]) for rec in slots], dtype=np.int64)
    if t.kind == "register_share":
        published = reg_genders.get(period, np.zeros(len(GENDER_ROWS), dtype=bool))
        reasons: list[str | None] = [None if p else COMPLEMENTARY for p in published]
        reasons = [N_BELOW_K if 0 < c < k else w for c, w in zip(n, reasons, strict=True)]
    else:
        reasons = line_reasons(n, k, zero_published=True)
    out: list[Json] = []
    stat_keys = MEAN_KEYS if t.kind == "mean_at_least" else SHARE_KEYS
    for gender, c, why, rec in zip(GENDER_ROWS, n, reasons, slots, strict=True):
        entry: Json = {"gender": gender, "n": int(c), **{key: None for key in stat_keys},
                       "signal": "grey", "text": None}  # fmt: skip
        if why is not None:
            out.append(suppressed_copy(entry, ("gender",), why))
            continue
        if c > 0 and rec is not None:
            for key in stat_keys:
                entry[key] = int(rec[key]) if key == "successes" else rec[key]
            entry["signal"] = str(rec["signal"])
            entry["text"] = _text(t, entry)
        out.append({**entry, "suppressed": False, "reason": None})
    return out


def _own_funnel(shared: _Shared, t: Target, period: str, assoc: str) -> Json:
    """This association's view of one national funnel (:mod:`national.reports.viewer`): the
    national n and share it may see, and its own point; no lines (:func:`with_funnel_lines`)."""
    key = (t.index, period)
    if key not in shared.funnels:
        computed = target_funnel(shared.core, t, period, shared.k)
        points = {str(p["association"]): p for p in computed["points"]}
        view = national_view(shared.core, t, period, shared.k, shared.min_associations)
        shared.funnels[key] = (view, points)
    view, points = shared.funnels[key]
    national = view.get(assoc) or {"min_associations": shared.min_associations,
                                    "national_n": None, "national_share": None,
                                    "national_reason": N_BELOW_K}  # fmt: skip
    point = points.get(assoc) or suppressed_copy({"n": None, "share": None}, (), N_BELOW_K)
    own = {name: v for name, v in point.items() if name != "association"}
    if national["national_share"] is None and own.get("position_national") is not None:
        own["position_national"] = None  # it would tell where the national share lies
    return {**t.describe(), "period": period, **national, "own": own}


FUNNEL_LINES = ("limits_target", "limits_national")


def without_funnel_lines(results: Json) -> Json:
    """An association's results with its funnels' limit lines left out: they follow from the
    funnel's own fields (:func:`national.reports.viewer.viewer_lines`) and are put back when
    read (:func:`with_funnel_lines`); the lines were nine tenths of each stored payload."""
    funnels = [{k: v for k, v in f.items() if k not in FUNNEL_LINES} for f in results["funnels"]]
    return {**results, "funnels": funnels}


def with_funnel_lines(results: Json) -> Json:
    """Put the limit lines back into a stored association's funnels, computed from each
    funnel's target level, the national share it may see and its own n (never from other
    associations' numbers)."""
    k = int(results.get("k") or 5)
    funnels = [{**f, **viewer_lines(f, k)} for f in results.get("funnels", [])]
    return {**results, "funnels": funnels}


def without_national_figures(results: Json) -> Json:
    """A stored association payload from before the no-differencing rule with every national
    figure and overdispersion taken out of its funnels (``national_reason`` ``"not_checked"``)."""
    funnels = []
    for f in results.get("funnels", []):
        kept = {k: v for k, v in f.items() if k not in {"overdispersion", *FUNNEL_LINES}}
        own = {**(f.get("own") or {}), "position_national": None}
        funnels.append({**kept, "national_n": None, "national_share": None,
                        "national_reason": "not_checked", "own": own})  # fmt: skip
    return {**results, "funnels": funnels}
