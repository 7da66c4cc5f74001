"""Targets over time (issue 13.2 / 14.5): each result uses the target valid in its period,
rules on any category set, "at most" targets. Expected figures are counted by hand below."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from national.reports import PooledSnapshot, association_results, instrument_map_from_yaml
from national.reports.periods import period_bounds, target_for
from tests.national.reports._data import ANSWER_COLUMNS, INSTRUMENT, OUTCOME_COLUMNS

D = dt.date


def test_period_bounds():
    assert period_bounds("2016H1") == (D(2016, 1, 1), D(2016, 6, 30))
    assert period_bounds("2016H2") == (D(2016, 7, 1), D(2016, 12, 31))
    assert period_bounds("2016") == (D(2016, 1, 1), D(2016, 12, 31))


def test_target_for_uses_the_target_in_force_at_the_end_of_the_period():
    old = {"point": 1, "valid_from": "2015-01-01", "valid_to": "2016-06-30"}
    new = {"point": 1, "valid_from": "2016-07-01", "valid_to": None}
    other = {"point": 2, "valid_from": "2015-01-01", "valid_to": None}
    targets = [old, new, other]
    assert target_for(targets, 1, D(2016, 1, 1), D(2016, 6, 30)) is old
    assert target_for(targets, 1, D(2016, 7, 1), D(2016, 12, 31)) is new
    # a bokslut for the whole year: the target in force on 31 December
    assert target_for(targets, 1, D(2016, 1, 1), D(2016, 12, 31)) is new
    assert target_for(targets, 1, D(2014, 1, 1), D(2014, 12, 31)) is None
    # ended inside the period and nothing after: the one that was valid still applies
    assert target_for([old], 1, D(2016, 1, 1), D(2016, 12, 31)) is old
    # local items are named by code
    item = {"point": "nojd", "valid_from": D(2016, 1, 1)}
    assert target_for([item], "nojd", D(2016, 1, 1), D(2016, 6, 30)) is item


def _pool(values_by_month: dict[str, list[int]]) -> PooledSnapshot:
    inst = instrument_map_from_yaml(INSTRUMENT)
    item = inst.point_items(1)[0]
    form = next(f for f, items in inst.form_items.items() if item in items)
    rows: list[dict[str, Any]] = []
    for month, values in values_by_month.items():
        for v in values:
            rows.append(
                {
                    "association": "alfa",
                    "county": "01",
                    "response": len(rows) + 1,
                    "pseudonym": f"p{len(rows)}",
                    "form_code": form,
                    "occasion": "during",
                    "period": pd.Timestamp(month),
                    "instrument_version": "2015.1",
                    "respondent": "participant",
                    "gender": None,
                    "age_band": None,
                    "item_code": item,
                    "value": v,
                    "dont_know": False,
                }
            )
    answers = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    answers["value"] = answers["value"].astype("Int16")
    outcomes = pd.DataFrame(columns=OUTCOME_COLUMNS)
    outcomes["exit_month"] = pd.to_datetime(outcomes["exit_month"])
    return PooledSnapshot(answers=answers, outcomes=outcomes, instrument=inst)


def _rule(**kw: Any) -> dict[str, Any]:
    return {"point": 1, "category": None, "categories": [], "mean": None, "outcomes": [], **kw}


def test_results_on_both_sides_of_a_revision_use_their_own_target():
    # H1: 10 answers, 7 of them 4 or 5 (70 %); H2: 10 answers, 7 of them 4 or 5 again.
    snap = _pool(
        {"2016-03-01": [5, 5, 4, 4, 4, 4, 4, 3, 2, 1], "2016-09-01": [5, 5, 5, 4, 4, 4, 4, 2, 2, 1]}
    )
    targets = [
        # until 30 June: at least 60 % answer 4 or 5 -> met (70 %)
        _rule(
            kind="share_at_least",
            categories=[4, 5],
            percent=60,
            valid_from="2015-01-01",
            valid_to="2016-06-30",
        ),
        # revised from 1 July: at least 80 % -> not met (70 %)
        _rule(
            kind="share_at_least",
            categories=[4, 5],
            percent=80,
            valid_from="2016-07-01",
            valid_to=None,
        ),
    ]
    res = association_results(snap, "alfa", targets, k=3)
    by_period = {r["period"]: r for r in res["results"]}
    assert sorted(by_period) == ["2016H1", "2016H2"]  # one result per period, not two
    assert by_period["2016H1"]["target_index"] == 0
    assert by_period["2016H1"]["text"] == "70 % (7/10)"
    assert by_period["2016H1"]["signal"] == "green"
    assert by_period["2016H2"]["target_index"] == 1
    assert by_period["2016H2"]["text"] == "70 % (7/10)"
    assert by_period["2016H2"]["signal"] == "red"


def test_category_sets_and_at_most():
    # 10 answers: 1,1,1,2,2,3,4,5,5,5
    snap = _pool({"2016-03-01": [1, 1, 1, 2, 2, 3, 4, 5, 5, 5]})
    targets = [
        # a set that is not "c or higher": 1 or 5 -> 6/10
        _rule(kind="share_at_least", categories=[1, 5], percent=60, valid_from="2016-01-01"),
        # at most 40 % answer 1 or 2 -> 5/10 = 50 %, not met
        _rule(
            kind="share_at_most",
            categories=[1, 2],
            percent=40,
            valid_from="2015-01-01",
            valid_to="2015-12-31",
        ),
    ]
    res = association_results(snap, "alfa", targets, k=3)
    (only,) = res["results"]  # the at-most target ended in 2015: no result in 2016
    assert (only["text"], only["signal"]) == ("60 % (6/10)", "green")
    targets[1] = {**targets[1], "valid_from": "2016-01-01", "valid_to": None, "point": 1}
    targets[0] = {**targets[0], "point": 1, "valid_to": "2015-12-31", "valid_from": "2015-01-01"}
    (only,) = association_results(snap, "alfa", targets, k=3)["results"]
    assert only["kind"] == "share_at_most"
    assert (only["text"], only["signal"]) == ("50 % (5/10)", "red")
