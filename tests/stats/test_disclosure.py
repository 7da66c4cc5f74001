"""Disclosure control, tested once for every user (reports and datasets).

Suppression: hand-derived cases (complementary suppression, a cell determined by a total and a
known cell, linked sums published beside a table), no suppressed cell is determined by the
published numbers (checked by an independent exact rank computation over the rationals, and
by linear programming for what an attacker can bound), and the closed-form line rule equals
the general table mechanism. k-anonymity at the end."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from stats.disclosure import (
    ALWAYS,
    TOTAL,
    determined,
    determined_cells,
    line_mask,
    protect_table,
    suppress_table,
    suppression_mask,
    table_functionals,
)


def _ranges(res):
    """For each suppressed cell: (min, max) over non-negative tables consistent with every
    published number -- an attacker's best bounds. Independent of the library's null-space test."""
    ext = res.counts.to_numpy()
    mask = res.suppressed.to_numpy()
    cells = [tuple(ix) for ix in np.argwhere(mask)]
    r, c = ext.shape[0] - 1, ext.shape[1] - 1
    idx = {cell: i for i, cell in enumerate(cells)}
    a_eq, b_eq = [], []
    lines = [[(i, j) for j in range(c)] + [(i, c)] for i in range(r + 1)]
    lines += [[(i, j) for i in range(r)] + [(r, j)] for j in range(c + 1)]
    for line in lines:
        row = np.zeros(len(cells))
        rhs = 0.0
        for pos, cell in enumerate(line):
            sign = -1.0 if pos == len(line) - 1 else 1.0
            if cell in idx:
                row[idx[cell]] += sign
            else:
                rhs -= sign * ext[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for cell, i in idx.items():
        e = np.zeros(len(cells))
        e[i] = 1
        lo = linprog(e, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-e, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        out[cell] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)  # 3: unbounded
    return out


def test_single_small_cell_gets_complements():
    t = pd.DataFrame({"men": [20, 3, 15], "women": [25, 30, 12]}, index=["a", "b", "c"])
    res = suppress_table(t, k=5)
    sup = res.suppressed
    assert sup.loc["b", "men"]  # primary
    assert sup.loc["b"].sum() >= 2 and sup["men"].sum() >= 2
    assert res.published.loc[TOTAL, TOTAL] == 105
    for lo, hi in _ranges(res).values():
        assert hi - lo >= 1


@settings(max_examples=80, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(2, 5), st.integers(2, 5)),
              elements=st.integers(0, 30)))  # fmt: skip
# a complement in an all-zero row is pinned to 0 by non-negativity (found by hypothesis)
@example(np.array([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [5, 1, 0, 1, 0], [1, 0, 0, 0, 0]]))
def test_suppressed_tables_leak_no_cell_by_subtraction(counts):
    t = pd.DataFrame(counts)
    res = suppress_table(t, k=5)
    ext = res.counts.to_numpy()
    # every small non-zero cell, margins included, is hidden
    assert np.all(res.suppressed.to_numpy()[(ext > 0) & (ext < 5)])
    # published numbers equal the truth
    pub = res.published.to_numpy()
    shown = ~np.isnan(pub)
    assert np.array_equal(pub[shown], ext[shown])
    # no suppressed cell can be pinned down from the published table
    for lo, hi in _ranges(res).values():
        assert hi - lo >= 1 - 1e-7


# --- an independent determined-cells check: exact rank over the rationals -------------------


def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination in exact rational arithmetic (no floating point, no SVD)."""
    m = [list(r) for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                factor = m[i][col] / m[rank][col]
                m[i] = [a - factor * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def _cell_rows(r: int, c: int) -> dict[tuple[int, int], list[Fraction]]:
    """Each cell of the extended table as a sum of interior cells, written out independently
    of :func:`table_functionals`."""
    out = {}
    for i in range(r + 1):
        for j in range(c + 1):
            out[(i, j)] = [
                Fraction(int(i in (r, a) and j in (c, b))) for a in range(r) for b in range(c)
            ]
    return out


def _determined_by_rank(
    mask: np.ndarray, extra: list[list[float]] | None = None
) -> set[tuple[int, int]]:
    """Suppressed cells whose sum lies in the span of the published ones (and ``extra``):
    appending the cell to the published rows does not raise the rank."""
    r, c = mask.shape[0] - 1, mask.shape[1] - 1
    rows = _cell_rows(r, c)
    shown = [rows[cell] for cell in rows if not mask[cell]]
    shown += [[Fraction(v) for v in e] for e in extra or []]
    base = _rank(shown) if shown else 0
    return {cell for cell in rows if mask[cell] and _rank([*shown, rows[cell]]) == base}


def test_table_functionals_are_the_cells_as_sums():
    f = table_functionals(2, 3)
    expected = np.array([[float(v) for v in row] for row in _cell_rows(2, 3).values()])
    assert np.array_equal(f, expected)


def test_a_row_total_and_a_known_cell_determine_the_other():
    # row (7, 2 | 9): hiding 2 alone leaves 9 - 7 = 2 published by subtraction
    mask = np.zeros((2, 3), dtype=bool)  # a 1 x 2 table with margins
    mask[0, 1] = True
    assert determined_cells(mask)[0, 1]
    assert _determined_by_rank(mask) == {(0, 1)}
    # hiding the row total as well (and so the column total under it) protects it
    mask[:, 1] = True
    mask[0, 2] = mask[1, 2] = True
    assert not determined_cells(mask).any() and _determined_by_rank(mask) == set()
    # the same through the general functionals: the cell is total minus the known cell
    f = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # a, b, a + b
    assert determined(f, np.array([True, False, True])).tolist() == [False, True, False]
    assert determined(f, np.array([False, False, True])).tolist() == [False, False, False]


def test_two_by_three_table_with_one_small_cell_needs_complements():
    # women/men x three outcomes; 3 is the only small cell
    x = np.array([[3, 12, 20], [9, 15, 30]])
    v, primary, mask = suppression_mask(x, k=5)
    assert primary.sum() == 1 and primary[0, 0]
    # by hand: 3 is recoverable from its row (35 - 12 - 20) and its column (12 - 9), so the
    # smallest other cell of its row (12) and of its column (9) go too, then 15 closes the
    # rectangle that 12 and 9 opened; margins stay published
    expected = np.zeros((3, 4), dtype=bool)
    expected[0, 0] = expected[0, 1] = expected[1, 0] = expected[1, 1] = True
    assert np.array_equal(mask, expected)
    assert v[2, 3] == 89 and v[0, 3] == 35
    assert _determined_by_rank(mask) == set()
    assert not determined_cells(mask).any()


@settings(max_examples=60, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 4)),
              elements=st.integers(0, 12)),
       st.integers(2, 6))  # fmt: skip
def test_no_suppressed_cell_is_determined_by_exact_rank(counts, k):
    _, _, mask = suppression_mask(counts, k=k)
    by_rank = _determined_by_rank(mask)
    # the library's check agrees with the exact one on every mask it makes ...
    assert {tuple(int(v) for v in ix) for ix in np.argwhere(determined_cells(mask))} == by_rank
    # ... and on the mask of the primary cells alone, where cells often are determined
    lone = (counts > 0) & (counts < k)
    ext_lone = np.zeros((counts.shape[0] + 1, counts.shape[1] + 1), dtype=bool)
    ext_lone[:-1, :-1] = lone
    got = {tuple(int(v) for v in ix) for ix in np.argwhere(determined_cells(ext_lone))}
    assert got == _determined_by_rank(ext_lone)
    # suppression leaves nothing determined unless a row or column is all zero (pinned anyway)
    x = np.asarray(counts)
    if (x.sum(axis=0) > 0).all() and (x.sum(axis=1) > 0).all():
        assert by_rank == set()


def _small_determined(mask, x, extra=None) -> set:
    small = {(i, j) for i, j in np.argwhere((x > 0) & (x < 5))}
    return _determined_by_rank(mask, extra) & {(int(i), int(j)) for i, j in small}


def test_protect_table_with_a_breakdown_published_with_a_margin():
    # outcomes x (women, men); the small cell 2 is women with outcome 0
    x = np.array([[2, 9], [6, 20], [7, 8]])
    plain = protect_table(x, k=5)
    assert plain[0, 0] and not plain[3, 0]  # the women's margin (15) is shown
    # elsewhere "women with outcome 0" is published next to the women's margin (ext. index
    # 3 * (2 + 1) + 0): with the margin shown it would give the 2 away, so the margin goes
    women0 = np.zeros((3, 2))
    women0[0, 0] = 1
    m = protect_table(x, k=5, linked=women0.ravel()[None, :], links=[9])
    assert m[3, 0] and m[0, 0]
    assert _small_determined(m, x) == set()  # the breakdown is not published then
    # checked the other way round: with the plain mask the breakdown would be shown and the
    # exact rank check finds the cell determined
    assert _small_determined(plain, x, [women0.ravel().tolist()]) == {(0, 0)}
    # a sum published whatever the table shows cannot be protected by it: no endless search
    m = protect_table(x, k=5, linked=women0.ravel()[None, :], links=[ALWAYS])
    assert m[0, 0] and _small_determined(m, x, [women0.ravel().tolist()]) == {(0, 0)}
    with pytest.raises(ValueError):
        protect_table(x, k=5, linked=women0.ravel()[None, :], links=[])


def test_protect_table_with_numerators_across_rows():
    # a numerator over outcomes 0 and 2 per gender, shown with that gender's margin
    x = np.array([[2, 9], [6, 20], [7, 8], [10, 12]])
    extra, links = [], []
    for j in range(2):
        f = np.zeros((4, 2))
        f[[0, 2], j] = 1
        extra.append(f.ravel().tolist())
        links.append(4 * 3 + j)
    m = protect_table(x, k=5, linked=np.array(extra), links=links)
    shown = [e for e, link in zip(extra, links, strict=True) if not m.ravel()[link]]
    assert m[0, 0] and _small_determined(m, x, shown) == set()


def test_protect_table_forces_cells_and_keeps_them_protected():
    x = np.array([[10, 12], [11, 14]])  # nothing small
    assert not protect_table(x, k=5).any()
    force = np.zeros((3, 3), dtype=bool)
    force[2, 2] = True  # the grand total must go (published elsewhere as suppressed)
    m = protect_table(x, k=5, force=force)
    assert m[2, 2] and _determined_by_rank(m) == set()


def _line_mask_by_table(n: list[int], k: int, zero_published: bool) -> tuple[list, list]:
    """The line rule spelled out with the general table mechanism (:func:`suppression_mask`
    on the one-column table with its total), then the smallest published groups until the
    hidden groups hold 0 or at least k."""
    vals = np.asarray(n, dtype=np.int64)
    primary = (vals > 0) & (vals < k) if zero_published else vals < k
    mask = primary.copy()
    if ((vals > 0) & (vals < k)).any():
        _, _, table_mask = suppression_mask(vals.astype(np.float64)[:, None], k=k)
        mask |= table_mask[:-1, 0]
    while 0 < int(vals[mask].sum()) < k:
        cand = np.flatnonzero(~mask & (vals > 0))
        if cand.size == 0:
            break
        mask[cand[np.argmin(vals[cand])]] = True
    return primary.tolist(), mask.tolist()


@settings(max_examples=400, deadline=None)
@given(
    n=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=7),
    k=st.integers(min_value=2, max_value=6),
    zero_published=st.booleans(),
)
def test_line_mask_equals_the_table_mechanism(n, k, zero_published):
    primary, mask = line_mask(n, k=k, zero_published=zero_published)
    assert (primary.tolist(), mask.tolist()) == _line_mask_by_table(n, k, zero_published)
    hidden = sum(v for v, m in zip(n, mask.tolist(), strict=True) if m)
    assert (
        hidden == 0 or hidden >= k or not any(v > 0 and not m for v, m in zip(n, mask, strict=True))
    )


def test_line_mask_by_hand():
    # 3 under a total of 28: the smallest other group (5) goes with it; 3 + 5 >= 5
    assert line_mask([3, 5, 20], k=5)[1].tolist() == [True, True, False]
    # 1 and 1 hidden hold 2 < 5: the smallest published group (7) is added
    assert line_mask([1, 1, 7, 9], k=5)[1].tolist() == [True, True, True, False]
    # zeros: suppressed as primary unless published as zeros
    assert line_mask([0, 8, 9], k=5)[0].tolist() == [True, False, False]
    assert line_mask([0, 8, 9], k=5, zero_published=True)[1].tolist() == [False, False, False]
    assert line_mask([], k=5)[1].tolist() == []


# --- k-anonymity: tests/stats/test_disclosure_kanon.py; here only the input check ---------


def test_negative_counts_rejected():
    with pytest.raises(ValueError):
        suppress_table(pd.DataFrame([[1, -1]]))
