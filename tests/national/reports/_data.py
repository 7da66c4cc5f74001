"""Shared data and helpers of the national reports' tests: the generator's snapshot (five
associations, seed 2016), small random snapshots, targets and hand counts.

References used by the tests: statsmodels ``proportion_confint`` for shares and CIs (on counts made
by hand from the raw frames), pingouin ``cronbach_alpha`` on the same pivoted group, pingouin
``corr`` and ``compute_effsize`` for validity, scipy ``linprog`` for what an attacker can infer
from the published exits table, and hypothesis for the small-numbers property."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import linprog

from national.pooled_synthetic import pooled_frames_from_synthetic
from national.reports import (
    PooledSnapshot,
    instrument_map_from_yaml,
)
from pilot.synthetic import AssociationSpec

ROOT = Path(__file__).resolve().parents[3]
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


def half_label(ts: pd.Timestamp) -> str:
    return f"{ts.year}H{1 if ts.month <= 6 else 2}"


def hand_counts(snap: PooledSnapshot, items: set[str], at_least: int) -> dict:
    """(association, half-year) -> [n, successes], counted row by row from the raw answers."""
    out: dict[tuple[str, str], list[int]] = {}
    for r in snap.answers.itertuples(index=False):
        if r.item_code not in items or r.dont_know or pd.isna(r.value):
            continue
        cell = out.setdefault((r.association, half_label(r.period)), [0, 0])
        cell[0] += 1
        cell[1] += int(r.value >= at_least)
    return out


def strings(obj: Any):
    if isinstance(obj, dict):
        for key, v in obj.items():
            yield str(key)
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)
    elif isinstance(obj, str):
        yield obj


def assert_flow_protected(snap: PooledSnapshot, code: str, flow: dict, res: dict) -> None:
    """Attacker's bounds on each suppressed interior cell with 1 <= count < k, from every
    published number about these exits: table cells and margins, register numerators and
    denominators, and their gender breakdown. Independent of the module's rank test."""
    o = snap.outcomes
    o = o[(o["association"] == code) & o["exit_month"].notna()]
    o = o[o["exit_month"].map(half_label) == flow["period"]]
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
