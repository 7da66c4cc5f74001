"""National reports (national/reports.py) checked against independent references.

Data: the project's synthetic pilot generator (pilot/synthetic.py) for five associations,
converted to the pooled snapshot shape by :func:`pooled_from_synthetic`, plus small hand-made
snapshots. References: statsmodels ``proportion_confint`` for shares and CIs (on counts made
by hand from the raw frames), pingouin ``cronbach_alpha`` on the same pivoted group, pingouin
``corr`` and ``compute_effsize`` for validity, scipy ``linprog`` for what an attacker can infer
from the published exits table, and hypothesis for the small-numbers property.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from national.pooled_synthetic import pooled_frames_from_synthetic
from national.reports import (
    InstrumentMap,
    PooledSnapshot,
    association_results,
    association_results_all,
    benchmark_report,
    half_year,
    instrument_map_from_yaml,
    mean_text,
    reliability_report,
    share_text,
    validity_report,
    with_funnel_lines,
    without_funnel_lines,
)
from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = yaml.safe_load((ROOT / "instrument" / "data" / "instrument_v1.yaml").read_text())
K = 5


def pooled_from_synthetic(data: dict[str, Any], *, version: str = "2015.1") -> PooledSnapshot:
    """The generator's per-association frames as one pooled snapshot (test helper)."""
    answers, outcomes = pooled_frames_from_synthetic(data, version=version)
    return PooledSnapshot(
        answers=answers, outcomes=outcomes, instrument=instrument_map_from_yaml(INSTRUMENT)
    )


SPECS = (
    AssociationSpec(slug="alfa", n_participants=90, activity_names=("A", "B"), n_staff=12),
    AssociationSpec(slug="beta", n_participants=60, activity_names=("A",), n_staff=8),
    AssociationSpec(slug="gamma", n_participants=40, activity_names=("A", "B"), n_staff=6),
    AssociationSpec(slug="delta", n_participants=25, activity_names=("A",), n_staff=4),
    AssociationSpec(slug="epsilon", n_participants=6, activity_names=("A",), n_staff=2),
)


@pytest.fixture(scope="module")
def snapshot() -> PooledSnapshot:
    data = pilot_data_generate(
        associations=SPECS, forms=forms_from_instrument(INSTRUMENT), seed=2016,
        start=date(2015, 9, 1), end=date(2016, 12, 31),
    )  # fmt: skip
    return pooled_from_synthetic(data)


TARGETS = [
    {"point": 1, "kind": "share_at_least", "category": 4, "percent": 80, "mean": None,
     "outcomes": []},
    {"point": 14, "kind": "share_at_least", "category": 4, "percent": 70, "mean": None,
     "outcomes": []},
    {"point": 16, "kind": "share_at_least", "category": 4, "percent": 75, "mean": None,
     "outcomes": []},
    {"point": 5, "kind": "mean_at_least", "category": None, "percent": None, "mean": 3.8,
     "outcomes": []},
    {"point": 20, "kind": "register_share", "category": None, "percent": 40, "mean": None,
     "outcomes": ["work", "studies"]},
    {"point": 9, "kind": "good_example", "category": None, "percent": None, "mean": None,
     "outcomes": []},
]  # fmt: skip


ANSWER_COLUMNS = ["association", "county", "response", "pseudonym", "form_code", "occasion",
                  "period", "instrument_version", "respondent", "gender", "age_band",
                  "item_code", "value", "dont_know"]  # fmt: skip
OUTCOME_COLUMNS = ["association", "county", "pseudonym", "exit_month", "exit_outcome",
                   "subsidised_work", "gender", "age_band"]  # fmt: skip


def small_snapshot(seed: int, sizes: list[int], n_staff: list[int]) -> PooledSnapshot:
    """A small random snapshot: association i has sizes[i] participants (during and exit
    questionnaires, staff ratings, outcomes) and n_staff[i] half-yearly staff questionnaires per
    half-year. Groups are often smaller than k on purpose."""
    rng = np.random.default_rng(seed)
    inst = instrument_map_from_yaml(INSTRUMENT)
    months = pd.date_range("2016-01-01", "2016-12-01", freq="MS")
    rows: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    response = 0

    def questionnaire(assoc, form, occasion, respondent, month, pseudo, gender):
        nonlocal response
        response += 1
        for item in inst.form_items[form]:
            u = rng.random()
            dk = bool(u < 0.05)
            value = pd.NA if u < 0.08 else int(rng.choice(5, p=[0.05, 0.1, 0.2, 0.3, 0.35]) + 1)
            rows.append({"association": assoc, "county": "01", "response": response,
                         "pseudonym": pseudo, "form_code": form, "occasion": occasion,
                         "period": month, "instrument_version": "2015.1",
                         "respondent": respondent, "gender": gender, "age_band": None,
                         "item_code": item, "value": value, "dont_know": dk})  # fmt: skip

    genders = ["woman", "man", "other", "undisclosed", None]
    for a, (size, staff) in enumerate(zip(sizes, n_staff, strict=True)):
        assoc = f"assoc-{chr(ord('a') + a)}"
        for p in range(size):
            pseudo = f"{assoc}-p{p}"
            gender = genders[int(rng.choice(5, p=[0.45, 0.4, 0.05, 0.05, 0.05]))]
            m_during = months[int(rng.integers(0, 11))]
            questionnaire(assoc, "participant_during", "during", "participant", m_during,
                          pseudo, gender)  # fmt: skip
            questionnaire(assoc, "staff_participant", "during", "staff", m_during, pseudo, gender)
            exited = rng.random() < 0.8
            outcome = str(rng.choice(["work", "studies", "other_solution", "dropped_out"]))
            m_exit = months[int(rng.integers(0, 12))] if exited else pd.NaT
            if exited and rng.random() < 0.8:
                questionnaire(assoc, "participant_exit", "exit", "participant", m_exit, pseudo,
                              gender)  # fmt: skip
                questionnaire(assoc, "staff_participant", "exit", "staff", m_exit, pseudo, gender)
            outcomes.append({"association": assoc, "county": "01", "pseudonym": pseudo,
                             "exit_month": m_exit, "exit_outcome": outcome if exited else None,
                             "subsidised_work": bool(exited and outcome == "work"
                                                     and rng.random() < 0.3),
                             "gender": gender, "age_band": None})  # fmt: skip
        for half in (months[4], months[10]):
            for _ in range(staff):
                questionnaire(assoc, "staff_half_yearly", "half_yearly", "staff", half, None,
                              None)  # fmt: skip
    ans = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    ans["value"] = ans["value"].astype("Int16")
    out = pd.DataFrame(outcomes, columns=OUTCOME_COLUMNS)
    out["exit_month"] = pd.to_datetime(out["exit_month"])
    return PooledSnapshot(answers=ans, outcomes=out, instrument=inst)


# ----------------------------------------------------------------------------------------------
# shared report fixtures
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench(snapshot: PooledSnapshot) -> dict:
    return benchmark_report(snapshot, TARGETS, k=K)


@pytest.fixture(scope="module")
def reliability(snapshot: PooledSnapshot) -> list:
    return reliability_report(snapshot, k=K)


@pytest.fixture(scope="module")
def validity(snapshot: PooledSnapshot) -> dict:
    return validity_report(snapshot, k=K)


@pytest.fixture(scope="module")
def own_results(snapshot: PooledSnapshot) -> dict:
    return {spec.slug: association_results(snapshot, spec.slug, TARGETS, k=K) for spec in SPECS}


def _half(ts: pd.Timestamp) -> str:
    return f"{ts.year}H{1 if ts.month <= 6 else 2}"


def hand_counts(snap: PooledSnapshot, items: set[str], at_least: int) -> dict:
    """(association, half-year) -> [n, successes], counted row by row from the raw answers."""
    out: dict[tuple[str, str], list[int]] = {}
    for r in snap.answers.itertuples(index=False):
        if r.item_code not in items or r.dont_know or pd.isna(r.value):
            continue
        cell = out.setdefault((r.association, _half(r.period)), [0, 0])
        cell[0] += 1
        cell[1] += int(r.value >= at_least)
    return out


# ----------------------------------------------------------------------------------------------
# inputs and formatting
# ----------------------------------------------------------------------------------------------


def test_instrument_map_from_yaml():
    inst = instrument_map_from_yaml(INSTRUMENT)
    assert isinstance(inst, InstrumentMap)
    assert len(inst.point_indicator) == 26 and len(inst.item_point) == 28
    assert len(set(inst.point_indicator.values())) == 15
    assert inst.item_point["p16b"] == 16 and inst.point_indicator[16] == 8
    assert inst.point_items(17) == ["p17a", "p17b", "p17c"] and inst.point_items(20) == []
    assert inst.form_items["board"] == ["p21", "p24", "p25"]
    assert (inst.scale_min, inst.scale_max) == (1, 5)


def test_swedish_formatting():
    assert share_text(18, 24) == "75 % (18/24)"
    assert share_text(1, 8) == "13 % (1/8)"  # 12.5 rounds half up
    assert share_text(0, 7) == "0 % (0/7)" and share_text(7, 7) == "100 % (7/7)"
    assert mean_text(3.84, 24) == "3,8 (n = 24)"
    labels = half_year(pd.Series(pd.to_datetime(["2016-06-01", "2016-07-01", None])))
    assert labels.tolist()[:2] == ["2016H1", "2016H2"] and pd.isna(labels.iloc[2])
    assert list(labels.cat.categories) == ["2016H1", "2016H2"]  # in time order


def test_reports_are_json_serialisable(bench, reliability, validity, own_results):
    for report in (bench, reliability, validity, *own_results.values()):
        assert json.loads(json.dumps(report, allow_nan=False)) == report


# ----------------------------------------------------------------------------------------------
# benchmarking against hand counts and statsmodels
# ----------------------------------------------------------------------------------------------


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
        sel = (a["association"] == c["association"]) & (a["period"].map(_half) == c["period"])
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


# ----------------------------------------------------------------------------------------------
# reliability
# ----------------------------------------------------------------------------------------------


def _pivot(snap: PooledSnapshot, form: str, items: list[str], association: str | None):
    a = snap.answers
    a = a[a["form_code"] == form]
    if association is not None:
        a = a[a["association"] == association]
    vals = a["value"].astype("Float64").where(~a["dont_know"])
    wide = (
        a.assign(v=vals.astype(float))
        .pivot_table(index="response", columns="item_code", values="v", aggfunc="first",
                     dropna=False)
        .reindex(columns=items)
    )  # fmt: skip
    # questionnaires with at least one answer (pivot_table drops all-NaN rows already)
    return wide[wide.notna().any(axis=1)]


@pytest.mark.parametrize(
    ("form", "indicator", "scope"),
    [("participant_exit", None, "pooled"), ("participant_during", None, "alfa"),
     ("staff_half_yearly", 8, "beta"), ("participant_exit", 6, "pooled")],
)  # fmt: skip
def test_alpha_matches_pingouin(snapshot, reliability, form, indicator, scope):
    row = next(
        r for r in reliability
        if r["form"] == form and r["indicator"] == indicator and r["scope"] == scope
    )  # fmt: skip
    assert not row["suppressed"]
    wide = _pivot(snapshot, form, row["items"], None if scope == "pooled" else scope)
    alpha, ci = pg.cronbach_alpha(wide, nan_policy="pairwise")
    assert row["n"] == len(wide)
    assert row["alpha_raw"] == pytest.approx(alpha, abs=1e-9)
    # pingouin rounds its CI to 3 decimals
    assert (row["ci_feldt_low"], row["ci_feldt_high"]) == pytest.approx(tuple(ci), abs=5.1e-4)
    cov = wide.cov()  # pandas pairwise covariances
    for stat in row["item_stats"]:
        j = stat["item"]
        assert stat["n"] == wide[j].notna().sum()
        rest = [c for c in row["items"] if c != j]
        # item-rest r on the pairwise covariance matrix (psych's r.drop)
        r_drop = cov.loc[j, rest].sum() / np.sqrt(
            cov.loc[j, j] * cov.loc[rest, rest].to_numpy().sum()
        )
        assert stat["r_drop"] == pytest.approx(r_drop, abs=1e-9)
        if len(row["items"]) > 2:
            dropped, _ = pg.cronbach_alpha(wide[rest], nan_policy="pairwise")
            assert stat["alpha_raw_if_dropped"] == pytest.approx(dropped, abs=1e-9)


def test_reliability_covers_forms_and_indicators(reliability):
    keys = {(r["form"], r["indicator"]) for r in reliability}
    expected = {("participant_during", None), ("participant_exit", None), ("participant_exit", 6),
                ("staff_participant", None), ("staff_half_yearly", None),
                ("staff_half_yearly", 8), ("staff_half_yearly", 9), ("staff_half_yearly", 13),
                ("manager", None), ("manager", 9), ("board", None), ("board", 14),
                ("partner_management", None)}  # fmt: skip
    assert keys == expected
    scopes = {r["scope"] for r in reliability}
    assert scopes == {"pooled", *(s.slug for s in SPECS)}


def test_reliability_tiny_groups_are_suppressed_not_errors():
    snap = small_snapshot(3, [2, 30, 9], [1, 6, 7])
    rows = reliability_report(snap, k=K)
    staff = {r["scope"]: r for r in rows if r["form"] == "staff_half_yearly" and r["indicator"]
             is None}  # fmt: skip
    # 2 questionnaires: n < k; 12 and 14 answers on 8 items: fine; pooled fine
    assert staff["assoc-a"]["suppressed"] and staff["assoc-a"]["n"] is None
    assert staff["assoc-a"]["alpha_raw"] is None and staff["assoc-a"]["item_stats"] == []
    assert not staff["pooled"]["suppressed"]
    snap = small_snapshot(4, [8], [3])  # 6 staff questionnaires, 8 items: too few for items
    rows = reliability_report(snap, k=K)
    staff = next(r for r in rows if r["form"] == "staff_half_yearly" and r["indicator"] is None
                 and r["scope"] == "pooled")  # fmt: skip
    assert staff["suppressed"] and staff["reason"] == "too_few_for_items" and staff["n"] == 6


# ----------------------------------------------------------------------------------------------
# validity
# ----------------------------------------------------------------------------------------------


def test_convergent_pairs_match_pingouin(snapshot, validity):
    from national.reports import convergent_pairs
    from national.reports.frames import prepared_answers as _answers

    pooled = {e["pair"]: e for e in validity["convergent"] if e["scope"] == "pooled"}
    assert set(pooled) == {"p5-p7", "p12-p12", "p14-p15"}
    pairs = convergent_pairs(_answers(snapshot), "p14", None, "p15", None)
    assert (pairs["dist"] <= 1).all()
    ref = pg.corr(pairs["a"], pairs["b"])
    e = pooled["p14-p15"]
    assert e["n"] == len(pairs) == int(ref["n"].iloc[0])
    assert e["r"] == pytest.approx(float(ref["r"].iloc[0]))
    long = pd.DataFrame({"target": np.tile(np.arange(len(pairs)), 2),
                         "rater": np.repeat(["p", "s"], len(pairs)),
                         "score": np.concatenate([pairs["a"], pairs["b"]])})  # fmt: skip
    icc = pg.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    icc = icc.set_index("Type")["ICC"]
    assert e["icc_agreement"] == pytest.approx(icc["ICC(A,1)"])
    assert e["icc_consistency"] == pytest.approx(icc["ICC(C,1)"])


def test_convergent_matching_by_month():
    inst = instrument_map_from_yaml(INSTRUMENT)
    rows = []
    for i, (pm, sm) in enumerate([("2016-03-01", "2016-03-01"), ("2016-03-01", "2016-04-01"),
                                  ("2016-03-01", "2016-06-01")]):  # fmt: skip
        for j, (form, resp, item, month) in enumerate(
            [("participant_during", "participant", "p14", pm),
             ("staff_participant", "staff", "p15", sm)]
        ):  # fmt: skip
            rows.append({"association": "assoc-x", "county": "01", "response": 10 * i + j,
                         "pseudonym": f"p{i}", "form_code": form, "occasion": "during",
                         "period": pd.Timestamp(month), "instrument_version": "2015.1",
                         "respondent": resp, "gender": None, "age_band": None,
                         "item_code": item, "value": 3, "dont_know": False})  # fmt: skip
    from national.reports import convergent_pairs
    from national.reports.frames import prepared_answers as _answers
    from national.reports.frames import pseudonym_codes as _pseudonyms

    snap = PooledSnapshot(pd.DataFrame(rows), pd.DataFrame(), inst)
    pairs = convergent_pairs(_answers(snap), "p14", None, "p15", None)
    matched = _pseudonyms(snap).index[pairs["pseudonym"].to_numpy()]
    assert sorted(matched) == ["p0", "p1"]  # 3 months apart is not matched
    assert sorted(pairs["dist"]) == [0, 1]


def test_known_groups_match_pingouin(snapshot, validity):
    entry = next(e for e in validity["known_groups"] if e["indicator"] == 1)
    assert not entry["suppressed"]
    # independent: exit-form answers to indicator 1 (p2) per participant, joined to outcomes
    a = snapshot.answers
    a = a[(a["form_code"] == "participant_exit") & (a["item_code"] == "p2") & ~a["dont_know"]
          & a["value"].notna()]  # fmt: skip
    score = a.groupby(["association", "pseudonym"])["value"].mean().astype(float)
    o = snapshot.outcomes.set_index(["association", "pseudonym"])
    outcome = np.where(o["subsidised_work"], "work", o["exit_outcome"].astype(object))
    outcome = pd.Series(outcome, index=o.index).reindex(score.index)
    g1 = score[outcome.isin(["work", "studies"]).to_numpy()]
    g2 = score[(outcome == "dropped_out").to_numpy()]
    assert (entry["n1"], entry["n2"]) == (len(g1), len(g2))
    assert entry["g"] == pytest.approx(pg.compute_effsize(g1, g2, eftype="hedges"), rel=1e-6)


def test_cfa_per_form(validity):
    fits = {e["form"]: e for e in validity["cfa"]}
    assert "partner_management" not in fits  # two items
    big = fits["participant_exit"]
    assert not big["suppressed"] and big["n"] >= 50 and big["df"] == 9 * 10 // 2 - 18
    assert 0 <= big["srmr"] < 0.2 and all(0 < ld["standardised"] < 1 for ld in big["loadings"])
    assert fits["manager"]["suppressed"]  # few managers: n below the CFA minimum


# ----------------------------------------------------------------------------------------------
# one association's results
# ----------------------------------------------------------------------------------------------


def _strings(obj: Any):
    if isinstance(obj, dict):
        for key, v in obj.items():
            yield str(key)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)
    elif isinstance(obj, str):
        yield obj


def test_association_results_never_name_another_association(own_results):
    codes = [s.slug for s in SPECS]
    for code, res in own_results.items():
        assert res["association"] == code
        text = list(_strings(res))
        for other in codes:
            if other != code:
                assert not any(other in s for s in text), (code, other)


def test_association_results_text_signal_and_gender(snapshot, own_results, bench):
    res = own_results["alfa"]
    cells = {(c["target_index"], c["period"]): c for c in bench["cells"]
             if c["association"] == "alfa"}  # fmt: skip
    texts = 0
    for r in res["results"]:
        cell = cells[(r["target_index"], r["period"])]
        assert r["suppressed"] == cell["suppressed"] and r["signal"] == cell["signal"]
        if r["suppressed"]:
            assert r["text"] is None and r["by_gender"] == []
            continue
        if r["kind"] in ("share_at_least", "register_share"):
            pct = int(np.floor(100 * r["successes"] / r["n"] + 0.5))
            assert r["text"] == f"{pct} % ({r['successes']}/{r['n']})"
            texts += 1
        if r["by_gender"]:
            shown = [g for g in r["by_gender"] if not g["suppressed"]]
            hidden = r["n"] - sum(g["n"] for g in shown)
            assert hidden == 0 or hidden >= K  # the total never reveals fewer than k answers
            assert all(g["n"] == 0 or g["n"] >= K for g in shown)
            for g in shown:
                if g["n"] and r["kind"] != "mean_at_least":
                    assert g["text"] == share_text(g["successes"], g["n"])
    assert texts >= 6
    f = res["funnels"][0]
    assert set(f["own"]) >= {"n", "share", "position_target", "position_national"}
    assert "points" not in f


def test_flow_tables_leak_nothing_by_linear_programming(snapshot, own_results):
    for code, res in own_results.items():
        for flow in res["flow"]:
            _assert_flow_protected(snapshot, code, flow, res)


def _assert_flow_protected(snap: PooledSnapshot, code: str, flow: dict, res: dict) -> None:
    """Attacker's bounds on each suppressed interior cell with 1 <= count < k, from every
    published number about these exits: table cells and margins, register numerators and
    denominators, and their gender breakdown. Independent of the module's rank test."""
    o = snap.outcomes
    o = o[(o["association"] == code) & o["exit_month"].notna()]
    o = o[o["exit_month"].map(_half) == flow["period"]]
    outcome = np.where(o["subsidised_work"], "work", o["exit_outcome"].astype(object))
    gender = o["gender"].astype(object).where(o["gender"].isin(GENDERS_), "unknown")
    rows, cols = flow["rows"][:-1], flow["columns"][:-1]
    truth = pd.crosstab(pd.Series(outcome, name="o"), gender.rename("g").to_numpy())
    truth = truth.reindex(index=rows, columns=cols).fillna(0).to_numpy()
    r, c = truth.shape
    eqs: list[tuple[np.ndarray, float]] = []
    for i, row in enumerate(flow["counts"]):
        for j, col in enumerate(flow["columns"]):
            v = row[col]
            if v is None:
                continue
            m = np.zeros((r, c))
            m[(slice(None) if i == r else i), (slice(None) if j == c else j)] = 1
            eqs.append((m.ravel(), float(v)))
    for e in res["results"]:
        if e["kind"] != "register_share" or e["period"] != flow["period"] or e["suppressed"]:
            continue
        s = np.isin(rows, e["outcomes"])
        eqs.append((np.ones(r * c), float(e["n"])))
        m = np.zeros((r, c))
        m[s, :] = 1
        eqs.append((m.ravel(), float(e["successes"])))
        for g in e["by_gender"]:
            if g["suppressed"] or not g["n"]:
                continue
            j = cols.index(g["gender"])
            m = np.zeros((r, c))
            m[:, j] = 1
            eqs.append((m.ravel(), float(g["n"])))
            m = np.zeros((r, c))
            m[s, j] = 1
            eqs.append((m.ravel(), float(g["successes"])))
    a_eq = np.array([e[0] for e in eqs]) if eqs else None
    b_eq = np.array([e[1] for e in eqs]) if eqs else None
    for i in range(r):
        for j in range(c):
            if flow["counts"][i][cols[j]] is not None or not 0 < truth[i, j] < K:
                continue
            x = np.zeros(r * c)
            x[i * c + j] = 1
            lo = linprog(x, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            hi = linprog(-x, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            assert lo.status == 0
            upper = np.inf if hi.status == 3 else -hi.fun
            assert upper - lo.fun >= 1 - 1e-9, (code, flow["period"], rows[i], cols[j])


GENDERS_ = ["woman", "man", "other", "undisclosed"]


# ----------------------------------------------------------------------------------------------
# the small-numbers property
# ----------------------------------------------------------------------------------------------

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
                   for s in _strings(own))  # fmt: skip
        for flow in own["flow"]:
            _assert_flow_protected(snap, code, flow, own)
        reports.append(own)
    for report in reports:
        json.dumps(report, allow_nan=False)
        assert_no_small_numbers(report, K)
    assert_totals_hide_small_groups(snap, bench, K)


def test_association_results_all_equals_one_by_one(snapshot):
    """The shared computation publication uses gives each association exactly its own results."""
    targets = [
        {
            "point": 1,
            "kind": "share_at_least",
            "category": 4,
            "percent": 80.0,
            "mean": None,
            "outcomes": [],
        },
        {
            "point": 20,
            "kind": "register_share",
            "category": None,
            "percent": 30.0,
            "mean": None,
            "outcomes": ["work", "studies"],
        },
    ]
    together = association_results_all(snapshot, targets, k=5)
    funnels = benchmark_report(snapshot, targets, k=5)["funnels"]
    for association, result in together.items():
        one = association_results(snapshot, association, targets, k=5)
        # stored without the national lines, which the benchmark report holds once
        assert all("limits_target" not in f for f in result["funnels"])
        assert result == without_funnel_lines(one)
        assert with_funnel_lines(result, funnels) == one


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """String columns as categoricals, as ``report_store.snapshot_frames`` delivers them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].astype("category")
    return out


def test_reports_do_not_depend_on_string_dtypes(snapshot):
    """Categorical columns (the database path) and object columns (tests) give equal reports."""
    as_categories = PooledSnapshot(
        answers=_categorical(snapshot.answers),
        outcomes=_categorical(snapshot.outcomes),
        instrument=snapshot.instrument,
    )
    fresh = PooledSnapshot(
        answers=snapshot.answers, outcomes=snapshot.outcomes, instrument=snapshot.instrument
    )
    assert isinstance(as_categories.answers["association"].dtype, pd.CategoricalDtype)
    for snap_a, snap_b in [(fresh, as_categories)]:
        assert benchmark_report(snap_a, TARGETS, k=K) == benchmark_report(snap_b, TARGETS, k=K)
        assert reliability_report(snap_a, k=K) == reliability_report(snap_b, k=K)
        assert association_results_all(snap_a, TARGETS, k=K) == association_results_all(
            snap_b, TARGETS, k=K
        )
        assert (
            validity_report(snap_a, k=K)["known_groups"]
            == validity_report(snap_b, k=K)["known_groups"]
        )


def _line_mask_by_table(n: list[int], k: int, zero_published: bool) -> list[str | None]:
    """The line rule spelled out with the general table mechanism (stats.suppression_mask on
    the one-column table with its total), then smallest published groups until the hidden
    groups hold 0 or at least k answers."""
    from stats import suppression_mask

    vals = np.asarray(n, dtype=np.int64)
    primary = (vals > 0) & (vals < k) if zero_published else vals < k
    mask = primary.copy()
    if ((vals > 0) & (vals < k)).any():
        _, _, table_mask = suppression_mask(vals.astype(np.float64)[:, None], k=k)
        mask |= table_mask[:-1, 0]
    while 0 < int(vals[mask].sum()) < k:
        cand = np.flatnonzero(~mask & (vals > 0))
        if cand.size == 0:
            break
        mask[cand[np.argmin(vals[cand])]] = True
    return [
        "n_below_k" if p else ("complementary" if m else None)
        for p, m in zip(primary, mask, strict=True)
    ]


@settings(max_examples=400, deadline=None)
@given(
    n=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=7),
    k=st.integers(min_value=2, max_value=6),
    zero_published=st.booleans(),
)
def test_line_mask_equals_the_table_mechanism(n, k, zero_published):
    from national.reports.output import line_reasons as _line_mask

    assert _line_mask(n, k, zero_published=zero_published) == _line_mask_by_table(
        n, k, zero_published
    )
