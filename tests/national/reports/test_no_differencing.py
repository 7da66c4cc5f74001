"""Issue 14.1, no differencing: nothing one association can read in its own results determines
another association's count. Checked independently of :mod:`stats.disclosure`: the attacker's
linear system by exact rank over the rationals, and an integer search over every assignment
of the other associations' (n, successes) consistent with what the viewer reads and with the
publication rules (each other association's class known: absent, 1..k-1, or >= k)."""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.reports import (
    PooledSnapshot,
    association_results,
    benchmark_report,
    instrument_map_from_yaml,
)
from stats import overdispersion
from tests.national.reports._data import ANSWER_COLUMNS, INSTRUMENT, OUTCOME_COLUMNS

K = 3
TARGET = {"point": 1, "kind": "share_at_least", "category": 4, "percent": 60, "mean": None,
          "outcomes": []}  # fmt: skip
ALLOWED = {"target_index", "point", "kind", "category", "target_level", "target_mean",
           "categories", "valid_from", "valid_to", "outcomes", "period", "min_associations",
           "national_n", "national_share",
           "national_reason", "own", "limits_target", "limits_national"}  # fmt: skip


def pool(cells: list[tuple[int, int]]) -> PooledSnapshot:
    """Association i answers point 1 n_i times in March 2016, y_i of them with a 5 (else 2)."""
    inst = instrument_map_from_yaml(INSTRUMENT)
    item = inst.point_items(1)[0]
    form = next(f for f, items in inst.form_items.items() if item in items)
    rows: list[dict[str, Any]] = []
    for i, (n, y) in enumerate(cells):
        for j in range(n):
            rows.append({"association": f"a{i}", "county": "01", "response": len(rows) + 1,
                         "pseudonym": f"a{i}-{j}", "form_code": form, "occasion": "during",
                         "period": pd.Timestamp("2016-03-01"), "instrument_version": "2015.1",
                         "respondent": "participant", "gender": None, "age_band": None,
                         "item_code": item, "value": 5 if j < y else 2,
                         "dont_know": False})  # fmt: skip
    answers = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    answers["value"] = answers["value"].astype("Int16")
    outcomes = pd.DataFrame(columns=OUTCOME_COLUMNS)
    outcomes["exit_month"] = pd.to_datetime(outcomes["exit_month"])
    return PooledSnapshot(answers=answers, outcomes=outcomes, instrument=inst)


def rank(rows: list[list[Fraction]]) -> int:
    """Exact rank by Gaussian elimination over the rationals."""
    m = [list(r) for r in rows]
    r = 0
    for c in range(len(m[0]) if m else 0):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c] / m[r][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        r += 1
    return r


def classes(n: int) -> list[tuple[int, int]]:
    """Every (n, y) the viewer cannot rule out for an association of count n's class."""
    ns = [0] if n == 0 else (range(1, K) if n < K else range(K, 40))
    return [(a, b) for a in ns for b in range(a + 1)]


def attack(
    others: list[int], total_n: int | None, total_y: int | None, phi: float | None = None
) -> list[set[tuple[int, int]]]:
    """Feasible (n, y) of each other association given the sums over the others (None: not
    published) and, if given, the overdispersion phi of the others plus the viewer (which it
    reads with its own cell appended by the caller through ``phi``'s closure)."""
    options = [classes(n) for n in others]
    feasible: list[set[tuple[int, int]]] = [set() for _ in others]
    if phi is not None:
        for combo in product(*options):
            if total_n is not None and sum(c[0] for c in combo) != total_n:
                continue
            if total_y is not None and sum(c[1] for c in combo) != total_y:
                continue
            if not phi(combo):  # type: ignore[operator]
                continue
            for i, c in enumerate(combo):
                feasible[i].add(c)
        return feasible
    # sums only: reachable (sum n, sum y) of the others except i, by 2-D set convolution
    size = 40 * len(others) + 1
    masks = []
    for opts in options:
        m = np.zeros((size, size), dtype=bool)
        for a, b in opts:
            m[a, b] = True
        masks.append(m)
    for i in range(len(others)):
        reach = np.zeros((size, size), dtype=bool)
        reach[0, 0] = True
        for j, m in enumerate(masks):
            if j == i:
                continue
            nxt = np.zeros_like(reach)
            for a, b in zip(*np.nonzero(m), strict=True):
                nxt[a:, b:] |= reach[: size - a, : size - b]
            reach = nxt
        for a, b in options[i]:
            ra = (total_n - a) if total_n is not None else None
            rb = (total_y - b) if total_y is not None else None
            if (ra is not None and not 0 <= ra < size) or (rb is not None and not 0 <= rb < size):
                continue
            rows = reach if ra is None else reach[ra : ra + 1]
            if (rows if rb is None else rows[:, rb : rb + 1]).any():
                feasible[i].add((a, b))
    return feasible


def assert_nothing_determined(cells: list[tuple[int, int]], viewer: int, res: dict) -> None:
    (f,) = res["funnels"]
    assert set(f) <= ALLOWED  # no overdispersion, units or other association's point
    own_n, own_y = cells[viewer]
    others = [c for i, c in enumerate(cells) if i != viewer]
    others_n = [n for n, _ in others]
    total_n = None if f["national_n"] is None else f["national_n"] - own_n
    total_y = None
    if f["national_share"] is not None:
        total_y = round(f["national_share"] * f["national_n"]) - own_y
    # the limit lines follow from the target, the national share and the viewer's own n only
    top = max((r["n"] for r in f["limits_target"]), default=0)
    assert top <= 5 * max(20, 2 * K, 2 * own_n)
    # exact rank: is any other's n or y in the span of the published sums?
    unknowns = 2 * len(others)
    eqs: list[list[Fraction]] = []
    if total_n is not None:
        eqs.append([Fraction(1 if u % 2 == 0 else 0) for u in range(unknowns)])
    if total_y is not None:
        eqs.append([Fraction(1 if u % 2 == 1 else 0) for u in range(unknowns)])
    if eqs:
        for u in range(unknowns):
            unit = [Fraction(int(v == u)) for v in range(unknowns)]
            if any(n for n, _ in others if n):  # zero cells are no one's count
                assert rank([*eqs, unit]) > rank(eqs) or others[u // 2][0] == 0
    # integer search on the published numbers with the viewer's class knowledge
    feasible = attack(others_n, total_n, total_y)
    for (n, y), opts in zip(others, feasible, strict=True):
        assert (n, y) in opts
        if n == 0:
            continue
        assert len({a for a, _ in opts}) > 1, ("n determined", cells, viewer, f)
        assert len({b for _, b in opts}) > 1, ("successes determined", cells, viewer, f)
        shares = {Fraction(b, a) for a, b in opts if a}
        assert len(shares) > 1, ("share determined", cells, viewer, f)


cell = st.integers(0, 30).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(cell, min_size=2, max_size=6).filter(lambda c: any(n for n, _ in c)))
def test_no_association_can_difference_another(cells):
    snap = pool(cells)
    for viewer, (n, _) in enumerate(cells):
        if n == 0:
            continue  # no answers: it has no results page for this point
        res = association_results(snap, f"a{viewer}", [TARGET], k=K)
        assert_nothing_determined(cells, viewer, res)


def test_two_associations_see_no_national_figures():
    snap = pool([(40, 30), (25, 5)])
    for viewer in (0, 1):
        (f,) = association_results(snap, f"a{viewer}", [TARGET], k=K)["funnels"]
        assert f["national_n"] is None and f["national_share"] is None
        assert f["national_reason"] == "too_few_associations" and f["limits_national"] == []


def test_three_associations_with_k_each_see_the_national_figures():
    cells = [(40, 30), (25, 5), (12, 6)]
    snap = pool(cells)
    for viewer in range(3):
        (f,) = association_results(snap, f"a{viewer}", [TARGET], k=K)["funnels"]
        assert f["national_n"] == 77
        assert f["national_share"] == pytest.approx(41 / 77)
        assert f["national_reason"] is None and f["limits_national"]
        assert f["min_associations"] == 3
    # a fourth with fewer than k answers does not make up for a missing third
    snap = pool([(40, 30), (25, 5), (2, 1)])
    (f,) = association_results(snap, "a0", [TARGET], k=K)["funnels"]
    assert f["national_n"] is None


def test_minimum_number_of_associations_is_configurable():
    snap = pool([(40, 30), (25, 5), (12, 6)])
    res = association_results(snap, "a0", [TARGET], k=K, min_associations=4)
    assert res["min_associations"] == 4 and res["funnels"][0]["national_n"] is None
    with pytest.raises(ValueError, match="at least 3"):
        association_results(snap, "a0", [TARGET], k=K, min_associations=2)


def test_others_all_at_their_lower_bound_or_all_failing_are_withheld():
    # others exactly k each: their n would be pinned; others with no successes: their y
    for cells in ([(40, 30), (K, 1), (K, 2)], [(40, 30), (25, 0), (12, 0)]):
        (f,) = association_results(pool(cells), "a0", [TARGET], k=K)["funnels"]
        assert f["national_n"] is None and f["national_reason"] == "differencing"


def test_overdispersion_would_give_the_others_away_and_is_not_shown():
    """The steering group's phi for three associations, with the national sums and a search
    over integers, pins the two others' exact counts: why associations never see it."""
    cells = [(30, 20), (17, 4), (22, 15)]
    snap = pool(cells)
    bench = benchmark_report(snap, [TARGET], k=K)
    (funnel,) = bench["funnels"]
    phi = funnel["overdispersion"]["phi"]
    assert phi is not None
    own_n, own_y = cells[0]
    total_n = funnel["national_n"] - own_n
    total_y = round(funnel["national_share"] * funnel["national_n"]) - own_y

    def matches(combo) -> bool:
        n = np.array([own_n, *(c[0] for c in combo)], dtype=float)
        y = np.array([own_y, *(c[1] for c in combo)], dtype=float)
        return abs(overdispersion(y, n).phi - phi) < 1e-9

    feasible = attack([17, 22], total_n, total_y, phi=matches)
    # of ~400 assignments the sums allow, phi leaves the true pair alone (up to which is
    # which): both others' exact n and successes are given away
    assert feasible == [{(17, 4), (22, 15)}] * 2
    assert len(attack([17, 22], total_n, total_y)[0]) > 100
    res = association_results(snap, "a0", [TARGET], k=K)
    assert "overdispersion" not in res["funnels"][0]
    assert "phi" not in str(res) and "tau2" not in str(res)
