"""Target shares and intervals against statsmodels and hand-worked cases."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from stats.benchmark import change_between_periods, proportion_ci, target_shares


@pytest.mark.parametrize(("ours", "theirs"), [("wilson", "wilson"), ("clopper_pearson", "beta")])
def test_intervals_match_statsmodels(ours, theirs):
    for x, n in [(0, 5), (1, 5), (18, 24), (24, 24), (3, 100), (50, 51)]:
        for level in (0.95, 0.998):
            lo, hi = proportion_ci(x, n, level=level, method=ours)
            ref = proportion_confint(x, n, alpha=1 - level, method=theirs)
            assert (float(lo), float(hi)) == pytest.approx(ref, abs=1e-10)


def test_robertsfors_example_by_hand():
    # "75 % (18/24)" against an 80 % target: red, not clearly below
    df = pd.DataFrame({"unit": ["R"] * 24 + ["S"] * 3, "answer": [5] * 18 + [2] * 6 + [5] * 3})
    out = target_shares(df, value="answer", by="unit", target=0.8, at_least=4)
    r = out.set_index("unit").loc["R"]
    assert (r["n"], r["successes"], r["share"]) == (24, 18, 0.75)
    assert r["signal"] == "red" and r["clearly"] == ""
    assert out.set_index("unit").loc["S", "signal"] == "grey"  # n = 3 < 5


def test_clearly_above_and_missing_answers():
    df = pd.DataFrame({"u": ["a"] * 40 + ["b"] * 40,
                       "v": [5.0] * 39 + [np.nan] + [1.0] * 30 + [5.0] * 10})  # fmt: skip
    out = target_shares(df, value="v", by="u", target=0.5, accept={4, 5}).set_index("u")
    assert out.loc["a", "n"] == 39  # the unanswered row is not an answer
    assert out.loc["a", "clearly"] == "above" and out.loc["a", "signal"] == "green"
    assert out.loc["b", "clearly"] == "below" and out.loc["b", "signal"] == "red"


def test_change_between_periods_matches_statsmodels_newcombe():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({
        "unit": rng.choice(["a", "b", "c"], 600),
        "period": rng.choice(["2015H1", "2015H2"], 600),
        "v": rng.integers(1, 6, 600),
    })  # fmt: skip
    out = change_between_periods(
        df, value="v", unit="unit", period="period", before="2015H1", after="2015H2", at_least=4
    ).set_index("unit")
    for u, row in out.iterrows():
        ref = confint_proportions_2indep(
            row["successes_after"],
            row["n_after"],
            row["successes_before"],
            row["n_before"],
            method="newcomb",
            compare="diff",
        )
        assert (row["change_low"], row["change_high"]) == pytest.approx(ref, abs=1e-10)
        sub = df[df.unit == u]
        b = (sub[sub.period == "2015H1"].v >= 4).mean()
        a = (sub[sub.period == "2015H2"].v >= 4).mean()
        assert row["change"] == pytest.approx(a - b)
