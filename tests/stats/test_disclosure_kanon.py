"""k-anonymity with generalisation and local suppression (stats/disclosure/kanon.py):
the one mechanism researcher datasets use. Expected values are derived by hand in comments;
class sizes are also checked against pandas' groupby on random data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stats.disclosure import (
    Generalisation,
    age_bands,
    class_sizes,
    generalise,
    generalise_until_k_anonymous,
    k_anonymity,
    merged,
    recode_column,
)


def _half_year(v: object) -> object:
    return f"{v[:4]}-H{1 if int(v[5:7]) <= 6 else 2}" if isinstance(v, str) else v


def _year(v: object) -> object:
    return v[:4] if isinstance(v, str) else v


HALF = Generalisation("period", _half_year, "month to half-year")
YEAR = Generalisation("period", _year, "month to year")


@pytest.mark.parametrize("categorical", [False, True])
def test_k_anonymity_by_hand(categorical: bool) -> None:
    # classes on (g, r): (m,A)=2 rows 0,1; (m,B)=1 row 2; (k,A)=2 rows 3,4; (x,A)=1 row 5;
    # (missing,A)=2 rows 6,7 — missing is a value of its own.
    df = pd.DataFrame(
        {
            "g": ["m", "m", "m", "k", "k", "x", None, None],
            "r": ["A", "A", "B", "A", "A", "A", "A", "A"],
        }
    )
    if categorical:
        df = df.astype("category")
    check = k_anonymity(df, ["g", "r"], k=2)
    assert not check.satisfied
    assert check.records_at_risk == 2 and check.classes_at_risk == 2
    assert check.min_class_size == 1 and check.share_at_risk == pytest.approx(2 / 8)
    assert check.at_risk.tolist() == [False, False, True, False, False, True, False, False]
    risky = [tuple(r) for r in check.risky.astype(object).itertuples(index=False)]
    assert risky == [("m", "B", 1), ("x", "A", 1)]
    assert check.classes["n"].sum() == 8 and len(check.classes) == 5
    assert k_anonymity(df, ["g", "r"], k=1).satisfied
    assert k_anonymity(df, ["r"], k=2).records_at_risk == 1  # B alone


def test_k_anonymity_of_nothing() -> None:
    empty = pd.DataFrame({"g": pd.Series([], dtype=object)})
    check = k_anonymity(empty, ["g"], k=5)
    assert check.satisfied and check.min_class_size == 0 and check.share_at_risk == 0.0
    assert check.classes.empty and check.risky.empty


@pytest.mark.parametrize("seed", range(5))
def test_class_sizes_match_groupby(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 2_000
    df = pd.DataFrame(
        {
            "a": rng.choice(np.array(["x", "y", None], dtype=object), n),
            "b": pd.Categorical(rng.choice(["p", "q", "r", "s"], n)),
            "c": rng.integers(0, 5, n),
        }
    )
    ids, sizes = class_sizes(df, ["a", "b", "c"])
    expected = df.groupby(["a", "b", "c"], dropna=False, observed=True)["c"].transform("size")
    np.testing.assert_array_equal(sizes[ids], expected.to_numpy())


def test_class_sizes_wide_key_is_refactorised() -> None:
    # 6 columns of 40,000 distinct values: 40,001**6 > 2**62, so the mixed-radix key is
    # re-numbered on the way; every row is its own class except the duplicated last row.
    n = 40_000
    base = {f"c{i}": np.arange(n) * (i + 1) for i in range(6)}
    df = pd.DataFrame(base)
    df = pd.concat([df, df.iloc[[-1]]], ignore_index=True)
    ids, sizes = class_sizes(df, list(base))
    assert len(sizes) == n and sizes[ids[-1]] == 2 and sizes[ids[0]] == 1


def test_greedy_generalisation_then_nothing_else_needed() -> None:
    # months 01, 02 → 2016-H1 (2 records); 07, 08 → 2016-H2 (2): 2-anonymous after one step,
    # the year step is never tried.
    df = pd.DataFrame({"period": ["2016-01", "2016-02", "2016-07", "2016-08"]})
    done = generalise_until_k_anonymous(df, ["period"], k=2, steps=[HALF, YEAR])
    assert done.applied == (HALF,) and done.suppressed == 0 and done.check.satisfied
    assert done.data["period"].tolist() == ["2016-H1", "2016-H1", "2016-H2", "2016-H2"]
    assert done.changes == (
        "4 of 4 records were in 4 equivalence classes smaller than k=2 on period",
        "generalised: month to half-year; 0 records still at risk",
    )


@pytest.mark.parametrize("categorical", [False, True])
def test_step_kept_only_if_it_helps_then_local_suppression(categorical: bool) -> None:
    # classes (01,w)=2, (02,m)=1, (03,w)=1: 2 records at risk.
    # merge m→w first: (01,w)=2, (02,w)=1, (03,w)=1 — still 2 at risk: not kept.
    # year: (2016,w)=3, (2016,m)=1 — 1 at risk: kept. Then row 2 (m) is suppressed.
    df = pd.DataFrame(
        {"period": ["2016-01", "2016-01", "2016-02", "2016-03"], "g": ["w", "w", "m", "w"]}
    )
    if categorical:
        df = df.astype("category")
    merge = Generalisation("g", merged({"m": "w"}), "m merged into w")
    done = generalise_until_k_anonymous(
        df, ["period", "g"], k=2, steps=[merge, YEAR], unit="questionnaires"
    )
    assert done.applied == (YEAR,)
    assert done.suppressed == 1 and done.check.satisfied
    assert done.data.index.tolist() == [0, 1, 3]  # index kept: callers map rows back
    assert done.data["period"].astype(object).tolist() == ["2016", "2016", "2016"]
    assert done.changes == (
        "2 of 4 questionnaires were in 2 equivalence classes smaller than k=2 on period, g",
        "generalised: month to year; 1 questionnaires still at risk",
        "suppressed: 1 questionnaires in 1 equivalence classes still smaller than k=2 were removed",
    )
    if categorical:
        assert isinstance(done.data["period"].dtype, pd.CategoricalDtype)


def test_already_k_anonymous_is_returned_untouched() -> None:
    df = pd.DataFrame({"g": ["m", "m", "k", "k"]})
    done = generalise_until_k_anonymous(df, ["g"], k=2, steps=[HALF])
    assert done.data is df and done.changes == () and done.applied == ()


def test_recode_keeps_missing_and_runs_per_value() -> None:
    calls: list[object] = []

    def recode(v: object) -> object:
        calls.append(v)
        return {"m": "w"}.get(v, v)  # type: ignore[call-overload]

    s = pd.Series(["m", None, "m", "k", "m"], dtype=object)
    out = recode_column(s, recode)
    assert list(out) == ["w", None, "w", "k", "w"]
    assert sorted(str(c) for c in calls) == ["k", "m"]  # once per distinct value, never for missing
    cat = recode_column(s.astype("category"), merged({"m": "w"}))
    assert isinstance(cat, pd.Categorical) and list(cat.categories) == ["k", "w"]
    assert [None if pd.isna(v) else v for v in cat] == ["w", None, "w", "k", "w"]


def test_age_bands_and_generalise() -> None:
    assert age_bands(pd.Series([16, 24, 25, 64]), [16, 25, 65]).tolist() == [
        "16-24", "16-24", "25-64", "25-64"]  # fmt: skip
    assert pd.isna(age_bands(pd.Series([15, 65]), [16, 25, 65])).all()
    df = pd.DataFrame(
        {
            "age": [17, 19, 23, 24, 31, 33, 38, 52, 58, 61],
            "gender": ["m", "k", "m", "k", "m", "m", "k", "annat", "k", "m"],
        }
    )
    g = generalise(df, age="age", age_edges=(16, 30, 65), merge={"gender": {"annat": "k"}})
    assert set(g["gender"]) == {"m", "k"}
    # (16-29,m)=2, (16-29,k)=2, (30-64,m)=3, (30-64,k)=3
    assert k_anonymity(g, ["age", "gender"], k=2).satisfied
    assert df["gender"].tolist()[7] == "annat"  # the input is not changed
