"""Suppression leaks nothing by subtraction (checked by linear programming); k-anonymity."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from stats.disclosure import (
    TOTAL,
    suppress_table,
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


def test_negative_counts_rejected():
    with pytest.raises(ValueError):
        suppress_table(pd.DataFrame([[1, -1]]))
