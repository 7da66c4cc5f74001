"""The instrument validation report: alpha against pingouin, item shares counted by hand,
flags resting on the numbers they name."""

from __future__ import annotations

import pingouin as pg
import pytest

from national.reports.validation import validation_report
from tests.national.reports.test_reliability import _pivot


@pytest.fixture(scope="module")
def report(snapshot, reliability, validity):
    return validation_report(
        snapshot, reliability, validity, snapshot_number=7, code_version="abc123",
        invariance_min_n=30,
    )  # fmt: skip


def test_alpha_and_item_shares_by_hand(snapshot, report):
    assert (report["snapshot"], report["code_version"]) == (7, "abc123")
    entry = next(f for f in report["forms"] if f["form"] == "participant_exit")
    items = entry["scale"]["items"]
    wide = _pivot(snapshot, "participant_exit", items, None)
    alpha, _ = pg.cronbach_alpha(wide, nan_policy="pairwise")
    assert entry["scale"]["alpha_raw"] == pytest.approx(alpha, abs=1e-9)
    assert entry["scale"]["n"] == len(wide)
    a = snapshot.answers
    a = a[a["form_code"] == "participant_exit"]
    questionnaires = a["response"].nunique()
    for row in entry["items"]:
        mine = a[a["item_code"] == row["item"]]
        values = mine["value"].dropna().astype(int)
        assert row["questionnaires"] == questionnaires
        assert row["floor_share"] == pytest.approx((values == 1).mean())
        assert row["ceiling_share"] == pytest.approx((values == 5).mean())
        assert row["dont_know_share"] == pytest.approx(mine["dont_know"].sum() / questionnaires)
        missing = 1 - (len(values) + mine["dont_know"].sum()) / questionnaires
        assert row["missing_share"] == pytest.approx(missing)


def test_cfa_invariance_and_flags_carry_their_numbers(report):
    entry = next(f for f in report["forms"] if f["form"] == "participant_exit")
    assert entry["cfa"] is not None and entry["cfa"]["cfi"] is not None
    gender = entry["invariance"]["gender"]
    assert gender["groups"] and (gender["levels"] or gender.get("note"))
    for flag in entry["flags"]:
        item = next(i for i in entry["items"] if i["item"] == flag["item"])
        if flag["statistic"] in item:
            assert flag["value"] == pytest.approx(item[flag["statistic"]])
        assert flag["n"] is not None


def test_invariance_groups_are_the_complete_questionnaires_counted_by_hand(snapshot, report):
    entry = next(f for f in report["forms"] if f["form"] == "participant_exit")
    items = entry["scale"]["items"]
    a = snapshot.answers
    a = a[(a["form_code"] == "participant_exit") & a["item_code"].isin(items)]
    for by in ("gender", "association"):
        answered = a[a["value"].notna() & a[by].notna()]
        per = answered.groupby("response").agg(items=("item_code", "nunique"), group=(by, "first"))
        expected = per[per["items"] == len(items)]["group"].value_counts().sort_index()
        assert entry["invariance"][by]["groups"] == {str(g): int(n) for g, n in expected.items()}


def test_report_is_the_same_on_categorical_columns(snapshot, reliability, validity, report):
    """Snapshots read from the database hold categoricals; the test frames hold strings."""
    from national.reports import PooledSnapshot

    columns = ["association", "county", "form_code", "occasion", "instrument_version",
               "respondent", "gender", "age_band", "item_code"]  # fmt: skip
    answers = snapshot.answers.astype({c: "category" for c in columns})
    categorical = PooledSnapshot(
        answers=answers, outcomes=snapshot.outcomes, instrument=snapshot.instrument
    )
    again = validation_report(
        categorical, reliability, validity, snapshot_number=7, code_version="abc123",
        invariance_min_n=30,
    )  # fmt: skip
    assert again == report
