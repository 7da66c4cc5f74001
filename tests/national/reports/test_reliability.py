"""Reliability report against pingouin; small groups suppressed."""

from __future__ import annotations

import numpy as np
import pingouin as pg
import pytest

from national.reports import (
    PooledSnapshot,
    reliability_report,
)
from tests.national.reports._data import (
    SPECS,
    K,
    small_snapshot,
)


def _pivot(snap: PooledSnapshot, form: str, items: list[str], association: str | None):
    a = snap.answers
    a = a[a["form_code"] == form]
    if association is not None:
        a = a[a["association"] == association]
    vals = a["value"].astype("Float64").where(~a["dont_know"])
    wide = (
        a.assign(v=vals.astype(float))
        .pivot_table(index="response", columns="item_code", values="v", aggfunc="first",
                     dropna=False)
        .reindex(columns=items)
    )  # fmt: skip
    # questionnaires with at least one answer (pivot_table drops all-NaN rows already)
    return wide[wide.notna().any(axis=1)]


@pytest.mark.parametrize(
    ("form", "indicator", "scope"),
    [("participant_exit", None, "pooled"), ("participant_during", None, "alfa"),
     ("staff_half_yearly", 8, "beta"), ("participant_exit", 6, "pooled")],
)  # fmt: skip
def test_alpha_matches_pingouin(snapshot, reliability, form, indicator, scope):
    row = next(
        r for r in reliability
        if r["form"] == form and r["indicator"] == indicator and r["scope"] == scope
    )  # fmt: skip
    assert not row["suppressed"]
    wide = _pivot(snapshot, form, row["items"], None if scope == "pooled" else scope)
    alpha, ci = pg.cronbach_alpha(wide, nan_policy="pairwise")
    assert row["n"] == len(wide)
    assert row["alpha_raw"] == pytest.approx(alpha, abs=1e-9)
    # pingouin rounds its CI to 3 decimals
    assert (row["ci_feldt_low"], row["ci_feldt_high"]) == pytest.approx(tuple(ci), abs=5.1e-4)
    cov = wide.cov()  # pandas pairwise covariances
    for stat in row["item_stats"]:
        j = stat["item"]
        assert stat["n"] == wide[j].notna().sum()
        rest = [c for c in row["items"] if c != j]
        # item-rest r on the pairwise covariance matrix (psych's r.drop)
        r_drop = cov.loc[j, rest].sum() / np.sqrt(
            cov.loc[j, j] * cov.loc[rest, rest].to_numpy().sum()
        )
        assert stat["r_drop"] == pytest.approx(r_drop, abs=1e-9)
        if len(row["items"]) > 2:
            dropped, _ = pg.cronbach_alpha(wide[rest], nan_policy="pairwise")
            assert stat["alpha_raw_if_dropped"] == pytest.approx(dropped, abs=1e-9)


def test_reliability_covers_forms_and_indicators(reliability):
    keys = {(r["form"], r["indicator"]) for r in reliability}
    expected = {("participant_during", None), ("participant_exit", None), ("participant_exit", 6),
                ("staff_participant", None), ("staff_half_yearly", None),
                ("staff_half_yearly", 8), ("staff_half_yearly", 9), ("staff_half_yearly", 13),
                ("manager", None), ("manager", 9), ("board", None), ("board", 14),
                ("partner_management", None)}  # fmt: skip
    assert keys == expected
    scopes = {r["scope"] for r in reliability}
    assert scopes == {"pooled", *(s.slug for s in SPECS)}


def test_reliability_tiny_groups_are_suppressed_not_errors():
    snap = small_snapshot(3, [2, 30, 9], [1, 6, 7])
    rows = reliability_report(snap, k=K)
    staff = {r["scope"]: r for r in rows if r["form"] == "staff_half_yearly" and r["indicator"]
             is None}  # fmt: skip
    # 2 questionnaires: n < k; 12 and 14 answers on 8 items: fine; pooled fine
    assert staff["assoc-a"]["suppressed"] and staff["assoc-a"]["n"] is None
    assert staff["assoc-a"]["alpha_raw"] is None and staff["assoc-a"]["item_stats"] == []
    assert not staff["pooled"]["suppressed"]
    snap = small_snapshot(4, [8], [3])  # 6 staff questionnaires, 8 items: too few for items
    rows = reliability_report(snap, k=K)
    staff = next(r for r in rows if r["form"] == "staff_half_yearly" and r["indicator"] is None
                 and r["scope"] == "pooled")  # fmt: skip
    assert staff["suppressed"] and staff["reason"] == "too_few_for_items" and staff["n"] == 6
