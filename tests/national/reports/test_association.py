"""One association's results: its own numbers only, texts, gender rows; shared computation."""

from __future__ import annotations

import numpy as np

from national.reports import (
    association_results,
    association_results_all,
    share_text,
    with_funnel_lines,
    without_funnel_lines,
)
from tests.national.reports._data import (
    SPECS,
    K,
    strings,
)


def test_association_results_never_name_another_association(own_results):
    codes = [s.slug for s in SPECS]
    for code, res in own_results.items():
        assert res["association"] == code
        text = list(strings(res))
        for other in codes:
            if other != code:
                assert not any(other in s for s in text), (code, other)


def test_association_results_text_signal_and_gender(snapshot, own_results, bench):
    res = own_results["alfa"]
    cells = {(c["target_index"], c["period"]): c for c in bench["cells"]
             if c["association"] == "alfa"}  # fmt: skip
    texts = 0
    for r in res["results"]:
        cell = cells[(r["target_index"], r["period"])]
        assert r["suppressed"] == cell["suppressed"] and r["signal"] == cell["signal"]
        if r["suppressed"]:
            assert r["text"] is None and r["by_gender"] == []
            continue
        if r["kind"] in ("share_at_least", "register_share"):
            pct = int(np.floor(100 * r["successes"] / r["n"] + 0.5))
            assert r["text"] == f"{pct} % ({r['successes']}/{r['n']})"
            texts += 1
        if r["by_gender"]:
            shown = [g for g in r["by_gender"] if not g["suppressed"]]
            hidden = r["n"] - sum(g["n"] for g in shown)
            assert hidden == 0 or hidden >= K  # the total never reveals fewer than k answers
            assert all(g["n"] == 0 or g["n"] >= K for g in shown)
            for g in shown:
                if g["n"] and r["kind"] != "mean_at_least":
                    assert g["text"] == share_text(g["successes"], g["n"])
    assert texts >= 6
    f = res["funnels"][0]
    assert set(f["own"]) >= {"n", "share", "position_target", "position_national"}
    assert "points" not in f


def test_association_results_all_equals_one_by_one(snapshot):
    """The shared computation publication uses gives each association exactly its own results."""
    targets = [
        {
            "point": 1,
            "kind": "share_at_least",
            "category": 4,
            "percent": 80.0,
            "mean": None,
            "outcomes": [],
        },
        {
            "point": 20,
            "kind": "register_share",
            "category": None,
            "percent": 30.0,
            "mean": None,
            "outcomes": ["work", "studies"],
        },
    ]
    together = association_results_all(snapshot, targets, k=5)
    for association, result in together.items():
        one = association_results(snapshot, association, targets, k=5)
        # stored without the limit lines, which follow from each funnel's own fields
        assert all("limits_target" not in f for f in result["funnels"])
        assert result == without_funnel_lines(one)
        assert with_funnel_lines(result) == one
