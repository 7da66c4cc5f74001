"""Disclosure control: small-cell suppression for tables, k-anonymity for microdata.

Tables: counts with row and column margins (and grand total). A cell with 0 < count < k is
suppressed (primary). Because margins are published, a lone suppressed cell in a row or column
could be recovered by subtraction, and combinations of rows and columns can pin cells too, so
complementary cells are suppressed until no suppressed cell is determined by the published
numbers: every suppressed cell must have a non-zero component in the null space of the linear
system "interior cells of each line sum to its margin" restricted to the suppressed cells.
Complements are the smallest non-zero published cells of the offending line (least information
lost), interior cells before margins.

Microdata: a table is k-anonymous on named quasi-identifiers when every combination of their
values is shared by at least k records; :func:`generalise` coarsens age into bands and merges
categories so that it becomes so.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

TOTAL = "Total"


@dataclass(frozen=True)
class SuppressedTable:
    """``published``: counts with margins, NaN where suppressed. ``counts``: the true counts
    with margins. ``primary`` / ``complementary``: boolean masks of the same shape."""

    published: pd.DataFrame
    counts: pd.DataFrame
    primary: pd.DataFrame
    complementary: pd.DataFrame
    k: int

    @property
    def suppressed(self) -> pd.DataFrame:
        return self.primary | self.complementary


def _lines(r: int, c: int) -> list[tuple[list[tuple[int, int]], list[float]]]:
    """Constraints of the extended (r+1) x (c+1) table: sum interior - margin = 0."""
    out = []
    for i in range(r + 1):
        out.append(([(i, j) for j in range(c)] + [(i, c)], [1.0] * c + [-1.0]))
    for j in range(c + 1):
        out.append(([(i, j) for i in range(r)] + [(r, j)], [1.0] * r + [-1.0]))
    return out


def determined_cells(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Suppressed cells of an extended table (margins in the last row/column) that the
    published cells and margins determine exactly (by any combination of line sums)."""
    r, c = mask.shape[0] - 1, mask.shape[1] - 1
    cells = [tuple(ix) for ix in np.argwhere(mask)]
    if not cells:
        return np.zeros_like(mask)
    pos = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for members, coef in _lines(r, c):
        row = np.zeros(len(cells))
        for cell, a in zip(members, coef, strict=True):
            if cell in pos:
                row[pos[cell]] = a
        if row.any():
            rows.append(row)
    out = np.zeros_like(mask)
    if not rows:
        return out
    a_mat = np.array(rows)
    _, sv, vt = np.linalg.svd(a_mat)
    rank = int(np.sum(sv > 1e-9 * max(sv.max(), 1.0)))
    null = vt[rank:].T  # columns span the null space
    free = np.abs(null).max(axis=1) > 1e-9 if null.size else np.zeros(len(cells), bool)
    for cell, is_free in zip(cells, free, strict=True):
        out[cell] = not is_free
    return out


def _extend(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """The table with row totals (last column), column totals and the grand total (last row)."""
    r, c = values.shape
    ext = np.zeros((r + 1, c + 1))
    ext[:r, :c] = values
    ext[:r, c] = values.sum(axis=1)
    ext[r, :] = ext[:r, :].sum(axis=0)
    return ext


def _pick_complement(
    values: NDArray[np.float64], mask: NDArray[np.bool_], line: list[tuple[int, int]]
) -> tuple[int, int] | None:
    r, c = values.shape[0] - 1, values.shape[1] - 1
    # A cell in a row or column whose total is 0 is pinned to 0 by non-negativity whatever is
    # suppressed, so it protects nothing as a complement.
    cand = [
        cell
        for cell in line
        if not mask[cell] and values[cell[0], c] > 0 and values[r, cell[1]] > 0
    ]
    if not cand:
        return None

    def key(cell: tuple[int, int]) -> tuple[int, int, float]:
        is_margin = int(cell[0] == r or cell[1] == c)
        return (int(values[cell] == 0), is_margin, float(values[cell]))

    return min(cand, key=key)


def suppression_mask(
    values: NDArray[np.float64], *, k: int = 5, suppress_zeros: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """:func:`suppress_table` on a plain array: (counts with margins, primary mask, full mask),
    all of the extended (r+1) x (c+1) shape."""
    v = _extend(np.asarray(values, dtype=np.float64))
    primary = (v < k) & ((v > 0) | suppress_zeros)
    mask = primary.copy()
    if not mask.any():
        return v, primary, mask
    r, c = v.shape[0] - 1, v.shape[1] - 1
    lines = [members for members, _ in _lines(r, c)]
    for _ in range(v.size + 1):
        changed = False
        for members in lines:
            if sum(mask[cell] for cell in members) == 1:
                pick = _pick_complement(v, mask, members)
                if pick is not None:
                    mask[pick] = True
                    changed = True
        if changed:
            continue
        det = determined_cells(mask)
        if not det.any():
            break
        cell = tuple(np.argwhere(det)[0])
        # widen the suppression along the determined cell's row (or column if the row is full)
        row_line = [(cell[0], j) for j in range(c + 1)]
        col_line = [(i, cell[1]) for i in range(r + 1)]
        pick = _pick_complement(v, mask, row_line) or _pick_complement(v, mask, col_line)
        if pick is None:
            break
        mask[pick] = True
    return v, primary, mask


def suppress_table(
    table: pd.DataFrame, *, k: int = 5, suppress_zeros: bool = False
) -> SuppressedTable:
    """Suppress small cells of a two-way count table and publish it with margins.

    Primary: 0 < count < k (and zeros if ``suppress_zeros``), margins included. Complementary:
    added until no suppressed cell is determined by the published cells and margins.
    """
    values = table.to_numpy(dtype=np.float64)
    if (values < 0).any():
        raise ValueError("counts must be non-negative")
    v, primary, mask = suppression_mask(values, k=k, suppress_zeros=suppress_zeros)
    index = [*table.index, TOTAL]
    columns = [*table.columns, TOTAL]
    ext = pd.DataFrame(v, index=index, columns=columns)
    published = ext.mask(mask)
    mk = pd.DataFrame(mask, index=index, columns=columns)
    pr = pd.DataFrame(primary, index=index, columns=columns)
    return SuppressedTable(published=published, counts=ext, primary=pr,
                           complementary=mk & ~pr, k=k)  # fmt: skip


@dataclass(frozen=True)
class KAnonymity:
    """``classes``: each combination of quasi-identifier values with its record count;
    ``risky``: the classes smaller than k."""

    k: int
    quasi_identifiers: tuple[str, ...]
    min_class_size: int
    records_at_risk: int
    share_at_risk: float
    classes: pd.DataFrame
    risky: pd.DataFrame

    @property
    def satisfied(self) -> bool:
        return self.records_at_risk == 0


def k_anonymity(data: pd.DataFrame, quasi_identifiers: Sequence[str], *, k: int = 5) -> KAnonymity:
    """Check k-anonymity: every combination of quasi-identifier values (missing is a value)
    must occur in at least k records."""
    qi = list(quasi_identifiers)
    classes = data.groupby(qi, dropna=False, observed=True).size().rename("n").reset_index()
    risky = classes[classes["n"] < k].reset_index(drop=True)
    at_risk = int(risky["n"].sum())
    return KAnonymity(
        k=k,
        quasi_identifiers=tuple(qi),
        min_class_size=int(classes["n"].min()) if len(classes) else 0,
        records_at_risk=at_risk,
        share_at_risk=at_risk / len(data) if len(data) else 0.0,
        classes=classes,
        risky=risky,
    )


def age_bands(age: pd.Series, edges: Sequence[int]) -> pd.Series:
    """Age in bands [e0, e1), [e1, e2), ... labelled "16-24" etc.; outside the edges: NaN."""
    e = list(edges)
    labels = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(e)]
    return pd.cut(age, bins=e, right=False, labels=labels).astype("object")


def generalise(
    data: pd.DataFrame,
    *,
    age: str | None = None,
    age_edges: Sequence[int] = (16, 25, 35, 45, 55, 65),
    merge: Mapping[str, Mapping[object, object]] | None = None,
) -> pd.DataFrame:
    """Coarsen quasi-identifiers: ``age`` column into bands, ``merge`` maps old to new
    categories per column (unmapped values kept). Returns a new frame."""
    out = data.copy()
    if age is not None:
        out[age] = age_bands(out[age], age_edges)
    for col, mapping in (merge or {}).items():
        out[col] = out[col].map(lambda v, m=mapping: m.get(v, v))
    return out


def generalise_until_k_anonymous(
    data: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int = 5,
    steps: Sequence[Mapping[str, object]] = (),
) -> tuple[pd.DataFrame, KAnonymity, int]:
    """Apply :func:`generalise` keyword sets in order until k-anonymous.

    Returns (data, check, steps used). If still not k-anonymous after all steps, the records in
    classes smaller than k are dropped (local suppression) and reported by the final check.
    """
    current = data
    for used, step in enumerate([{}, *steps]):
        if step:
            current = generalise(current, **step)  # type: ignore[arg-type]
        check = k_anonymity(current, quasi_identifiers, k=k)
        if check.satisfied:
            return current, check, used
    qi = list(quasi_identifiers)
    sizes = current.groupby(qi, dropna=False, observed=True)[qi[0]].transform("size")
    kept = current[sizes >= k]
    return kept, k_anonymity(kept, qi, k=k), len(steps)
