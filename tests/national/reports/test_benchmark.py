"""Benchmark report: cells against hand counts and statsmodels, funnels, changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from national.reports import (
    PooledSnapshot,
    association_results,
    benchmark_report,
    instrument_map_from_yaml,
)
from tests.national.reports._data import (
    INSTRUMENT,
    TARGETS,
    K,
    half_label,
    hand_counts,
    small_snapshot,
)


@pytest.mark.parametrize("target_index", [0, 1, 2])
def test_share_cells_match_hand_counts_and_statsmodels(snapshot, bench, target_index):
    t = TARGETS[target_index]
    items = {c for c, p in snapshot.instrument.item_point.items() if p == t["point"]}
    counts = hand_counts(snapshot, items, t["category"])
    cells = [c for c in bench["cells"] if c["target_index"] == target_index]
    assert {(c["association"], c["period"]) for c in cells} == set(counts)
    published = 0
    for c in cells:
        n, x = counts[(c["association"], c["period"])]
        if n < K:
            assert c["suppressed"] and c["n"] is None and c["share"] is None
            continue
        if c["suppressed"]:
            assert c["reason"] == "complementary"
            continue
        published += 1
        assert (c["n"], c["successes"]) == (n, x)
        assert c["share"] == pytest.approx(x / n)
        assert (c["wilson_low"], c["wilson_high"]) == pytest.approx(
            proportion_confint(x, n, alpha=0.05, method="wilson"), abs=1e-12
        )
        assert (c["exact_low"], c["exact_high"]) == pytest.approx(
            proportion_confint(x, n, alpha=0.05, method="beta"), abs=1e-9
        )
        assert c["signal"] == ("green" if x / n >= t["percent"] / 100 else "red")
        lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
        assert c["clearly_above"] == (lo > t["percent"] / 100)
        assert c["clearly_below"] == (hi < t["percent"] / 100)
    assert published >= 5
    for nat in (e for e in bench["national"] if e["target_index"] == target_index):
        n = sum(v[0] for (a, p), v in counts.items() if p == nat["period"])
        x = sum(v[1] for (a, p), v in counts.items() if p == nat["period"])
        assert (nat["n"], nat["successes"]) == (n, x)


def test_mean_cells_match_statsmodels(snapshot, bench):
    a = snapshot.answers
    a = a[(a["item_code"] == "p5") & ~a["dont_know"] & a["value"].notna()]
    cells = [c for c in bench["cells"] if c["kind"] == "mean_at_least" and not c["suppressed"]]
    assert cells
    for c in cells:
        sel = (a["association"] == c["association"]) & (a["period"].map(half_label) == c["period"])
        v = a.loc[sel, "value"].to_numpy(dtype=float)
        d = DescrStatsW(v)
        assert c["n"] == v.size and c["mean"] == pytest.approx(v.mean())
        assert (c["ci_low"], c["ci_high"]) == pytest.approx(d.tconfint_mean(0.05))
        assert c["signal"] == ("green" if v.mean() >= 3.8 else "red")


def test_register_share_counts_exits_and_subsidised_work_as_work():
    months = pd.to_datetime(["2016-02-01"] * 12 + ["2016-09-01"] * 6 + [None] * 3)
    outcome = (["work"] * 4 + ["studies"] * 2 + ["other_solution"] * 4 + ["dropped_out"] * 2
               + ["work", "dropped_out", "dropped_out", "studies", "work", "other_solution"]
               + ["still_in", None, None])  # fmt: skip
    subsidised = [True, True] + [False] * 19
    outcomes = pd.DataFrame(
        {"association": "assoc-x", "county": "01", "pseudonym": [f"p{i}" for i in range(21)],
         "exit_month": months, "exit_outcome": outcome, "subsidised_work": subsidised,
         "gender": ["woman", "man"] * 10 + ["man"], "age_band": None}
    )  # fmt: skip
    snap = PooledSnapshot(
        answers=small_snapshot(0, [0], [0]).answers.iloc[:0], outcomes=outcomes,
        instrument=instrument_map_from_yaml(INSTRUMENT),
    )  # fmt: skip
    target = {"point": 20, "kind": "register_share", "percent": 50, "outcomes": ["work", "studies"]}
    rep = benchmark_report(snap, [target], k=K)
    cells = {c["period"]: c for c in rep["cells"]}
    assert (cells["2016H1"]["n"], cells["2016H1"]["successes"]) == (12, 6)
    assert (cells["2016H2"]["n"], cells["2016H2"]["successes"]) == (6, 3)
    assert cells["2016H1"]["signal"] == "green"  # 50 % meets 50 %
    own = association_results(snap, "assoc-x", [target], k=K)
    assert [r["text"] for r in own["results"]] == ["50 % (6/12)", "50 % (3/6)"]


# ----------------------------------------------------------------------------------------------
# funnels and changes
# ----------------------------------------------------------------------------------------------


def test_funnel_limits_widen_as_n_shrinks(bench):
    funnels = [f for f in bench["funnels"] if f["limits_target"]]
    assert funnels
    for f in funnels:
        for line in ("limits_target", "limits_national"):
            lim = pd.DataFrame(f[line])
            if lim.empty:
                continue
            assert lim["n"].is_monotonic_increasing and lim["n"].min() >= K
            n = lim["n"].to_numpy()
            for lev in ("95", "99.8"):
                width = (lim[f"high_{lev}"] - lim[f"low_{lev}"]).to_numpy()
                # exact limits are step functions smoothed by interpolation, so "widen as n
                # shrinks" holds between sample sizes at least twice apart
                wider = width[:, None] > width[None, :]
                far = n[None, :] >= 2 * n[:, None]
                assert wider[far].all(), (f["point"], line, lev)
                assert width[0] > width[-1]
            assert (lim["low_99.8"] <= lim["low_95"] + 1e-12).all()
            assert (lim["high_99.8"] >= lim["high_95"] - 1e-12).all()


def test_funnel_points_and_overdispersion_follow_cells(bench):
    cells = {(c["target_index"], c["association"], c["period"]): c for c in bench["cells"]}
    checked = 0
    for f in bench["funnels"]:
        pts = [p for p in f["points"] if not p["suppressed"]]
        for p in f["points"]:
            cell = cells[(f["target_index"], p["association"], f["period"])]
            assert p["suppressed"] == cell["suppressed"]
            assert (p["n"], p["share"]) == (cell["n"], cell["share"])
        od = f["overdispersion"]
        if len(pts) >= 3:
            y = np.array([p["share"] * p["n"] for p in pts])
            n = np.array([p["n"] for p in pts], dtype=float)
            p0 = y.sum() / n.sum()
            z = (y / n - p0) / np.sqrt(p0 * (1 - p0) / n)
            lo, hi = np.quantile(z, [0.1, 0.9])
            assert od["phi"] == pytest.approx(np.mean(np.clip(z, lo, hi) ** 2))
            assert od["df"] == len(pts) - 1
            checked += 1
        else:
            assert od["suppressed"] and od["phi"] is None
    assert checked >= 1


def test_changes_match_statsmodels_newcombe(bench):
    cells = {(c["target_index"], c["association"], c["period"]): c for c in bench["cells"]}
    shown = [c for c in bench["changes"] if not c["suppressed"]]
    assert shown
    for ch in bench["changes"]:
        before = cells.get((ch["target_index"], ch["association"], ch["before"]))
        after = cells.get((ch["target_index"], ch["association"], ch["after"]))
        if before is None or after is None or before["suppressed"] or after["suppressed"]:
            assert ch["suppressed"] and ch["change"] is None
            continue
        assert not ch["suppressed"]
        x1, n1, x2, n2 = after["successes"], after["n"], before["successes"], before["n"]
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        assert ch["change"] == pytest.approx(x1 / n1 - x2 / n2)
        assert (ch["change_low"], ch["change_high"]) == pytest.approx((lo, hi), abs=1e-9)
