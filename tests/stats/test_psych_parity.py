"""The four differences from R psych found in issue 16, against stored psych output.

``tests/stats/reference/psych_reference.json`` is written by ``psych_reference.R`` next to it
(R 4.2, psych 2.2.9); it holds the data and psych's results, so these tests need no R.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stats.grouped import reliability_arrays
from stats.polychoric import (
    _cell_probs,
    _loglik,
    _onehot_tables,
    polychoric,
    polychoric_fit,
    thresholds_from_counts,
)
from stats.reliability import reliability

REF = json.loads((Path(__file__).parent / "reference" / "psych_reference.json").read_text())
TOTAL = {"alpha_raw": "raw_alpha", "alpha_std": "std_alpha", "lambda6": "G6",
         "average_r": "average_r", "var_r": "var_r", "median_r": "med_r",
         "signal_noise": "sn"}  # fmt: skip
DROP = {"alpha_raw": "raw_alpha", "alpha_std": "std_alpha", "lambda6": "G6", "var_r": "var_r",
        "median_r": "med_r"}  # fmt: skip
ITEM = ("raw_r", "std_r", "r_cor", "r_drop")


def _frame(case: dict) -> pd.DataFrame:
    cols = [[np.nan if v is None else float(v) for v in col] for col in case["data"]]
    return pd.DataFrame(np.array(cols).T, columns=[f"i{j + 1}" for j in range(len(cols))])


def _check(rel, case: dict) -> None:
    for ours, theirs in TOTAL.items():
        assert rel.scale[ours] == pytest.approx(case["total"][theirs], abs=1e-10), ours
    items = rel.items.loc[case["item_stats"]["item"]]
    for key in ITEM:
        assert items[key].to_numpy() == pytest.approx(case["item_stats"][key], abs=1e-10), key
    drop = rel.items.loc[case["drop"]["item"]]
    for ours, theirs in DROP.items():
        got = drop[f"{ours}_if_dropped"].to_numpy()
        assert got == pytest.approx(case["drop"][theirs], abs=1e-10), ours


def test_var_r_uses_the_lower_triangle_like_psych():
    case = REF["var_r"]
    rel = reliability(_frame(case))
    _check(rel, case)
    # the old whole-matrix variance was psych x (m - 2) / (m - 1), m = k (k - 1): not any more
    m = 7 * 6
    assert rel.scale["var_r"] != pytest.approx(case["total"]["var_r"] * (m - 2) / (m - 1))


def test_singular_correlation_matrix_takes_psych_pseudo_inverse():
    case = REF["singular"]  # 7 complete rows, 10 items: R has rank 6
    x = _frame(case)
    assert np.linalg.matrix_rank(np.corrcoef(x.to_numpy().T)) < x.shape[1]
    rel = reliability(x)
    _check(rel, case)
    assert rel.scale["lambda6"] < 0.9  # was 1.0 when inv() "succeeded" on the singular R


def test_singular_group_among_regular_groups_in_one_call():
    big = _frame(REF["var_r"]).to_numpy()[:, :7]
    small = _frame(REF["singular"]).to_numpy()[:5, :7]
    # a singular group (5 rows, 7 items) next to a regular one, through the grouped path
    x = np.vstack([big, small])
    codes = np.r_[np.zeros(len(big), int), np.ones(len(small), int)]
    scales, items = reliability_arrays(x, codes, 2)
    alone = reliability(pd.DataFrame(small))
    assert scales.loc[1, "lambda6"] == pytest.approx(alone.scale["lambda6"], abs=1e-12)
    assert scales.loc[1, "lambda6"] < 1.0
    assert scales.loc[0, "lambda6"] == pytest.approx(REF["var_r"]["total"]["G6"], abs=1e-10)
    got = items[items["group"] == 1]["lambda6_if_dropped"].to_numpy()
    assert got == pytest.approx(alone.items["lambda6_if_dropped"].to_numpy(), abs=1e-12)


def test_zero_variance_item_is_nan_and_left_out_like_psych():
    case = REF["zero_variance"]
    rel = reliability(_frame(case))
    # psych drops the constant item i3 (with a warning): every statistic is on the other four
    _check(rel, case)
    assert rel.scale["k"] == 4
    row = rel.items.loc["i3"]
    assert np.isnan(row["raw_r"]) and case["raw_r_cor"][2] is None  # R: cor() gives NA
    assert np.isnan(row[["std_r", "r_cor", "r_drop", "alpha_raw_if_dropped"]].astype(float)).all()
    assert row["sd"] == 0.0 and row["mean"] == 4.0
    others = rel.items.drop(index="i3")["raw_r"].to_numpy()
    assert others == pytest.approx([v for v in case["raw_r_cor"] if v is not None], abs=1e-10)


def _pair(case: dict) -> tuple[np.ndarray, object]:
    x = np.column_stack([case["a"], case["b"]]).astype(float)
    return x, polychoric(x)


def _loglik_at(x: np.ndarray, rho: float) -> float:
    # the two-step likelihood psych maximises (global thresholds, no continuity correction)
    cats = np.unique(x)
    t, c = _onehot_tables(x, cats, "pairwise")
    th = thresholds_from_counts(c)
    pi = _cell_probs(th[0][None], th[1][None], np.array([rho]))[0]
    return float(_loglik(t[0, 1][None], pi)[0])


@pytest.mark.parametrize("i", range(len(REF["polychoric"])))
def test_polychoric_reaches_the_maximum_psych_finds_on_small_tables(i):
    case = REF["polychoric"][i]
    x, pc = _pair(case)
    rho = pc.matrix[0, 1]
    assert pc.converged[0, 1]
    # at least as likely as the maximum of psych's own likelihood (optimize, tol 1e-10)
    ml = float(np.clip(case["ml_rho"], -0.99999, 0.99999))
    assert _loglik_at(x, rho) >= _loglik_at(x, ml) - 1e-9
    if pc.boundary[0, 1]:
        # the likelihood is flat (to double precision) up to |rho| = 1: psych lands anywhere
        # near the edge too, and the estimate says so instead of pretending to a value
        assert abs(case["ml_rho"]) > 0.998 and abs(case["psych_rho"]) > 0.998
    else:
        assert rho == pytest.approx(case["ml_rho"], abs=1e-6)
        assert rho == pytest.approx(case["psych_rho"], abs=1e-4)  # psych's optimize tol ~1e-4


def test_polychoric_falls_back_to_a_bracketing_search_when_scoring_stops_short():
    fits = []
    for case in REF["polychoric"][5:]:
        x = np.column_stack([case["a"], case["b"]]).astype(float)
        t, c = _onehot_tables(x, np.unique(x), "pairwise")
        th = thresholds_from_counts(c)
        fits.append(polychoric_fit(t[0, 1][None], th[0][None], th[1][None], max_iter=1))
        assert fits[-1].converged[0]
        assert fits[-1].rho[0] == pytest.approx(case["ml_rho"], abs=1e-6)
