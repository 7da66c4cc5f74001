"""Multi-group CFA and measurement invariance against lavaan 0.6 (stored output).

``tests/stats/reference/lavaan_reference.json`` is written by ``lavaan_reference.R`` next to it:
three generated data sets (two groups / five items; three groups / six items with the intercept
of y4 shifted by 0.6 in group "c"; two correlated factors with Likert answers) and lavaan's
``fitMeasures`` for ``cfa(..., group = "g", group.equal = ...)`` and ``group.partial``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stats.invariance import measurement_invariance
from stats.mgcfa import GroupData, cfa_multigroup, group_data

REF = json.loads((Path(__file__).parent / "reference" / "lavaan_reference.json").read_text())
EQUAL = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts")}
MEASURES = {"chi2": "chisq", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
            "rmsea_low": "rmsea.ci.lower", "rmsea_high": "rmsea.ci.upper", "srmr": "srmr",
            "chi2_baseline": "baseline.chisq"}  # fmt: skip


def _case(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict]:
    c = REF[name]
    pattern = np.array(c["pattern"], dtype=bool) if "pattern" in c else None
    return np.array(c["data"], dtype=float).T, np.array(c["group"]), pattern, c


def _check(fit, ref: dict) -> None:
    assert fit.converged
    assert fit.df == ref["df"] and fit.npar == ref["npar"]
    assert fit.df_baseline == ref["baseline.df"]
    for ours, theirs in MEASURES.items():
        assert getattr(fit, ours) == pytest.approx(ref[theirs], abs=1e-4), ours
    assert fit.chi2 == pytest.approx(ref["chisq"], rel=1e-6)


@pytest.mark.parametrize("name", ["two_groups", "planted_intercept", "two_factors"])
@pytest.mark.parametrize("level", ["configural", "metric", "scalar"])
def test_multigroup_cfa_equals_lavaan(name, level):
    x, g, pattern, c = _case(name)
    data, _ = group_data(x, g)
    _check(cfa_multigroup(data, pattern, equal=EQUAL[level]), c["fits"][level])


@pytest.mark.parametrize("j", range(6))
def test_partial_scalar_model_equals_lavaan_group_partial(j):
    x, g, pattern, c = _case("planted_intercept")
    data, _ = group_data(x, g)
    fit = cfa_multigroup(data, pattern, equal=EQUAL["scalar"], free_intercepts=(j,))
    _check(fit, c["fits"][f"free_nu_y{j + 1}"])


def test_group_order_does_not_change_the_fit():
    x, g, pattern, _c = _case("two_groups")
    data, _ = group_data(x, g)
    flipped = GroupData(data.cov[::-1].copy(), data.means[::-1].copy(), data.n[::-1].copy())
    a = cfa_multigroup(data, pattern, equal=EQUAL["scalar"])
    b = cfa_multigroup(flipped, pattern, equal=EQUAL["scalar"])
    assert a.chi2 == pytest.approx(b.chi2, rel=1e-8)


def test_invariant_data_pass_every_step():
    x, g, _pattern, c = _case("two_groups")
    inv = measurement_invariance(x, g, items=c["items"])
    assert inv.comparison["invariant"].tolist() == [True, True]
    assert inv.non_invariant.empty
    f = c["fits"]
    assert inv.comparison.loc[1, "delta_cfi"] == pytest.approx(
        f["scalar"]["cfi"] - f["metric"]["cfi"], abs=1e-4)  # fmt: skip
    assert inv.comparison.loc[0, "delta_rmsea"] == pytest.approx(
        f["metric"]["rmsea"] - f["configural"]["rmsea"], abs=1e-4)  # fmt: skip
    assert inv.groups.to_dict() == {"man": 360, "woman": 420}


def test_planted_intercept_is_flagged_and_only_it():
    x, g, _pattern, c = _case("planted_intercept")
    inv = measurement_invariance(x, g, items=c["items"])
    f = c["fits"]
    assert inv.comparison["invariant"].tolist() == [True, False]
    assert inv.comparison.loc[1, "delta_cfi"] == pytest.approx(
        f["scalar"]["cfi"] - f["metric"]["cfi"], abs=1e-4)  # fmt: skip
    assert inv.comparison.loc[1, "chi2_diff"] == pytest.approx(
        f["scalar"]["chisq"] - f["metric"]["chisq"], abs=1e-4)  # fmt: skip
    assert inv.non_invariant[["item", "parameter"]].values.tolist() == [["y4", "intercept"]]
    # the freed model is lavaan's group.partial = "y4 ~ 1"
    assert inv.partial["scalar"].chi2 == pytest.approx(f["free_nu_y4"]["chisq"], abs=1e-4)
    assert inv.non_invariant.loc[0, "chi2_diff"] == pytest.approx(
        f["scalar"]["chisq"] - f["free_nu_y4"]["chisq"], abs=1e-4)  # fmt: skip


def test_two_factor_model():
    x, g, pattern, c = _case("two_factors")
    inv = measurement_invariance(x, g, pattern=pattern, items=c["items"])
    for level in ("configural", "metric", "scalar"):
        _check(inv.fits[level], c["fits"][level])


def test_small_groups_are_skipped_and_named():
    x, g, _pattern, c = _case("two_groups")
    rng = np.random.default_rng(3)
    x2 = np.vstack([x, x[rng.choice(len(x), 30)]])
    g2 = np.r_[g, np.full(30, "other")]
    inv = measurement_invariance(x2, g2, min_n=50)
    assert inv.skipped == ("other",)
    assert inv.fits["scalar"].chi2 == pytest.approx(c["fits"]["scalar"]["chisq"], abs=1e-4)
    with pytest.raises(ValueError, match="two groups"):
        measurement_invariance(x, g, min_n=400)


def test_groups_without_a_complete_row_count_as_small():
    # two groups of incomplete rows only once passed the min_n filter (no complete row to
    # count) and reached the fit with zero total n
    x, g, _pattern, _c = _case("two_groups")
    x2 = np.vstack([x, x[:40]])
    x2[len(x) :, 0] = np.nan
    g2 = np.r_[g, np.full(20, "third"), np.full(20, "fourth")]
    with pytest.raises(ValueError, match="two groups"):
        measurement_invariance(x2, g2, min_n=400)
    inv = measurement_invariance(x2, g2, min_n=50)
    assert set(inv.skipped) == {"third", "fourth"}
    assert list(inv.groups.index) == sorted(set(g))
