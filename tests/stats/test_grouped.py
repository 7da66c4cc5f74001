"""Grouped reliability: every group against pingouin and direct counting on that group."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from stats.grouped import reliability_grouped, wide_from_long


@pytest.fixture
def long_table():
    rng = np.random.default_rng(21)
    n = 3000
    df = pd.DataFrame({
        "association": rng.choice(["Skellefteå-Norsjö", "Umeåregionen", "Robertsfors"], n),
        "form": rng.choice(["participant-during", "participant-exit"], n),
        "period": rng.choice(["2015H1", "2015H2"], n),
    })  # fmt: skip
    eta = rng.standard_normal(n)
    items = [f"p{j}" for j in range(5)]
    x = np.clip(np.round(3 + 0.9 * eta[:, None] + rng.standard_normal((n, 5))), 1, 5)
    x[rng.random(x.shape) < 0.05] = np.nan
    df[items] = x
    return df, items


@pytest.mark.parametrize("policy", ["pairwise", "listwise"])
def test_each_group_matches_pingouin(long_table, policy):
    df, items = long_table
    keys = ["association", "form", "period"]
    res = reliability_grouped(df, items=items, by=keys, missing=policy, categories=range(1, 6))
    assert len(res.scales) == 12 and len(res.items) == 12 * 5
    for _, row in res.scales.iterrows():
        sub = df[(df[keys] == row[keys]).all(axis=1)][items]
        assert row["n_rows"] == len(sub)
        ref = pg.cronbach_alpha(sub, nan_policy=policy)[0]
        assert row["alpha_raw"] == pytest.approx(ref, abs=1e-9)
        if policy == "listwise":
            assert row["n_used"] == len(sub.dropna())
        it = res.items[(res.items[keys] == row[keys]).all(axis=1)].set_index("item")
        assert it["missing_share"].to_numpy() == pytest.approx(sub.isna().mean().to_numpy())
        answered = sub["p2"].dropna()
        assert it.loc["p2", "p_4"] == pytest.approx((answered == 4).mean())
        # listwise keeps the same complete cases when an item is dropped (as SPSS does)
        base = sub.dropna() if policy == "listwise" else sub
        alpha_wo_p0 = pg.cronbach_alpha(base.drop(columns="p0"), nan_policy=policy)[0]
        assert it.loc["p0", "alpha_raw_if_dropped"] == pytest.approx(alpha_wo_p0, abs=1e-9)


def test_grouped_bootstrap_and_ordinal_columns(long_table):
    df, items = long_table
    res = reliability_grouped(df, items=items, by="association", n_boot=100, seed=1, ordinal=True)
    s = res.scales
    assert {"ci_boot_low", "ci_boot_high", "alpha_ordinal"} <= set(s.columns)
    assert np.all(s["ci_boot_low"] < s["alpha_raw"]) and np.all(s["alpha_raw"] < s["ci_boot_high"])
    assert np.all(s["alpha_ordinal"] > s["alpha_std"] - 0.05)


def test_wide_from_long():
    long = pd.DataFrame({"q": [1, 1, 2], "item": ["a", "b", "a"], "v": [4, 5, 3],
                         "assoc": ["x", "x", "y"]})  # fmt: skip
    wide = wide_from_long(long, questionnaire="q", item="item", value="v", keys=["assoc"])
    assert wide.set_index("q").loc[2, "a"] == 3
    assert np.isnan(wide.set_index("q").loc[2, "b"])
