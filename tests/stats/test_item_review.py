"""Item review flags on data whose flags are known by construction, with the numbers behind
them computed independently (numpy), not by the reliability module."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stats.invariance import measurement_invariance
from stats.item_review import FLAG_CODES, ReviewThresholds, item_review
from stats.reliability import reliability


def _alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    f = rng.normal(size=n)
    cols = {f"q{j}": np.clip(np.round(3 + 1.1 * f + rng.normal(0, 0.8, n)), 1, 5) for j in range(4)}
    cols["noise"] = rng.integers(1, 6, n).astype(float)  # unrelated to the rest
    cols["easy"] = np.clip(np.round(4.6 + 0.5 * f + rng.normal(0, 0.4, n)), 1, 5)  # ceiling
    df = pd.DataFrame(cols)
    df.loc[rng.choice(n, 60, replace=False), "q3"] = np.nan  # 15 % blank
    return df


def test_flags_known_by_construction(data):
    rel = reliability(data, categories=range(1, 6), missing="listwise")
    review = item_review(rel.items, alpha=rel.alpha)
    x = data.dropna().to_numpy()
    names = list(data.columns)
    # independent numbers: item-rest r and alpha without the item on the complete rows
    j = names.index("noise")
    rest = np.delete(x, j, axis=1).sum(axis=1)
    r_rest = np.corrcoef(x[:, j], rest)[0, 1]
    alpha_wo = _alpha(np.delete(x, j, axis=1))
    assert r_rest < 0.30 and alpha_wo > _alpha(x) + 0.01
    got = review.flags.set_index(["item", "code"])
    assert got.loc[("noise", "low_item_rest_r"), "value"] == pytest.approx(r_rest, abs=1e-12)
    assert got.loc[("noise", "alpha_rises_if_dropped"), "value"] == pytest.approx(alpha_wo)
    ceiling = (data["easy"] == 5).sum() / data["easy"].notna().sum()
    assert got.loc[("easy", "ceiling_effect"), "value"] == pytest.approx(ceiling)
    assert got.loc[("q3", "high_missing"), "value"] == pytest.approx(60 / 400)
    assert got.loc[("q3", "high_missing"), "statistic"] == "missing_share"
    assert set(review.codes_for("q0")) <= {"floor_effect", "ceiling_effect"}
    assert review.flags["code"].isin(FLAG_CODES).all()
    assert (review.flags["n"] > 0).all()


def test_dont_know_loadings_and_thresholds(data):
    rel = reliability(data[["q0", "q1", "q2", "noise"]])
    review = item_review(
        rel.items,
        alpha=rel.alpha,
        loadings={"q0": 0.8, "q1": 0.75, "q2": 0.7, "noise": 0.05},
        dont_know_share={"q0": 0.02, "q1": 0.25},
        thresholds=ReviewThresholds(floor_share=1.0, ceiling_share=1.0),
    )
    assert review.codes_for("q1") == ["many_dont_know"]
    assert "low_loading" in review.codes_for("noise")
    assert review.codes_for("q2") == []


def test_zero_variance_and_few_answers():
    x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3, 4.0], "b": [2, 2, 3, 5, 4, 1, 3, 4.0],
                      "c": [3.0] * 8, "d": [1, 3, 3, 4, 5, 2, 2, 5.0]})  # fmt: skip
    rel = reliability(x)
    review = item_review(rel.items, alpha=rel.alpha)
    assert "zero_variance" in review.codes_for("c")
    assert set(review.flags["code"]) >= {"few_answers"}
    # with few answers only descriptive flags are raised, no correlation-based ones
    assert not review.flags["code"].isin(["low_item_rest_r", "alpha_rises_if_dropped"]).any()


def test_non_invariant_intercept_flows_into_the_review():
    import json
    from pathlib import Path

    ref = json.loads((Path(__file__).parent / "reference" / "lavaan_reference.json").read_text())
    c = ref["planted_intercept"]
    x = pd.DataFrame(np.array(c["data"], float).T, columns=c["items"])
    inv = measurement_invariance(x.to_numpy(), np.array(c["group"]), items=c["items"])
    rel = reliability(x)
    review = item_review(rel.items, alpha=rel.alpha, non_invariant=inv.non_invariant)
    hit = review.flags[review.flags["code"] == "non_invariant_intercept"]
    assert hit["item"].tolist() == ["y4"]
    assert hit["value"].iloc[0] == pytest.approx(
        c["fits"]["scalar"]["chisq"] - c["fits"]["free_nu_y4"]["chisq"], abs=1e-4)  # fmt: skip


def test_grouped_items_keep_their_keys():
    from stats.grouped import reliability_grouped

    rng = np.random.default_rng(1)
    f = rng.normal(size=600)
    df = pd.DataFrame({f"q{j}": np.clip(np.round(3 + f + rng.normal(0, 1, 600)), 1, 5)
                       for j in range(3)})  # fmt: skip
    df["noise"] = rng.integers(1, 6, 600).astype(float)
    df["assoc"] = np.repeat(["A", "B"], 300)
    res = reliability_grouped(df, items=["q0", "q1", "q2", "noise"], by=["assoc"])
    items = res.items.reset_index() if "assoc" not in res.items.columns else res.items
    scales = res.scales.reset_index() if "assoc" not in res.scales.columns else res.scales
    alpha = items["assoc"].map(scales.set_index("assoc")["alpha_raw"])
    review = item_review(items, alpha=alpha.to_numpy(), keys=["assoc"])
    noise = review.flags[(review.flags["item"] == "noise")
                         & (review.flags["code"] == "low_item_rest_r")]  # fmt: skip
    assert noise["assoc"].tolist() == ["A", "B"]
