"""Validity report: convergent pairs and known groups against pingouin, CFA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from national.reports import (
    PooledSnapshot,
    instrument_map_from_yaml,
)
from tests.national.reports._data import (
    INSTRUMENT,
)


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
