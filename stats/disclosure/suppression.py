"""Small-cell suppression for tables: one linear-algebra mechanism (see the package doc)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

TOTAL = "Total"
#: a linked functional of :func:`protect_table` published whatever the table shows
ALWAYS = -1

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


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


# --- the linear-algebra check -----------------------------------------------------------------


def determined(functionals: ArrayLike, published: ArrayLike) -> BoolArray:
    """Which unpublished linear functionals (rows of ``functionals``, over the same unknown
    interior cells) the published ones determine exactly: those in the span of the published
    rows (numerically: residual after projection onto that span below 1e-8)."""
    f = np.asarray(functionals, dtype=np.float64)
    pub = np.asarray(published, dtype=bool)
    out = np.zeros(f.shape[0], dtype=bool)
    p = f[pub]
    if p.shape[0] == 0:
        return out
    _, s, vt = np.linalg.svd(p, full_matrices=False)
    rank = int(np.sum(s > 1e-9 * max(float(s.max()), 1.0)))
    basis = vt[:rank]
    resid = f - (f @ basis.T) @ basis
    return (np.abs(resid).max(axis=1) < 1e-8) & ~pub


def table_functionals(r: int, c: int) -> FloatArray:
    """The cells of the extended (r+1) x (c+1) table (row by row; margins in the last row and
    column) as linear functionals of its r*c interior cells: a ((r+1)(c+1), r*c) matrix."""
    rows: list[FloatArray] = []
    for i in range(r + 1):
        for j in range(c + 1):
            m = np.zeros((r, c))
            m[(slice(None) if i == r else i), (slice(None) if j == c else j)] = 1.0
            rows.append(m.ravel())
    return np.array(rows).reshape((r + 1) * (c + 1), r * c)


def determined_cells(mask: BoolArray) -> BoolArray:
    """Suppressed cells of an extended table (margins in the last row/column) that the
    published cells and margins determine exactly (by any combination of line sums)."""
    r, c = mask.shape[0] - 1, mask.shape[1] - 1
    published = ~np.asarray(mask, dtype=bool).ravel()
    return determined(table_functionals(r, c), published).reshape(mask.shape)


# --- two-way tables -----------------------------------------------------------------------------


def _lines(r: int, c: int) -> list[list[tuple[int, int]]]:
    """The lines of the extended (r+1) x (c+1) table: its rows and columns, margin last."""
    out = [[(i, j) for j in range(c)] + [(i, c)] for i in range(r + 1)]
    out += [[(i, j) for i in range(r)] + [(r, j)] for j in range(c + 1)]
    return out


def _extend(values: FloatArray) -> FloatArray:
    """The table with row totals (last column), column totals and the grand total (last row)."""
    r, c = values.shape
    ext = np.zeros((r + 1, c + 1))
    ext[:r, :c] = values
    ext[:r, c] = values.sum(axis=1)
    ext[r, :] = ext[:r, :].sum(axis=0)
    return ext


def _pick_complement(
    values: FloatArray, mask: BoolArray, line: list[tuple[int, int]]
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
    values: ArrayLike, *, k: int = 5, suppress_zeros: bool = False
) -> tuple[FloatArray, BoolArray, BoolArray]:
    """:func:`suppress_table` on a plain array: (counts with margins, primary mask, full mask),
    all of the extended (r+1) x (c+1) shape."""
    v = _extend(np.asarray(values, dtype=np.float64))
    primary = (v < k) & ((v > 0) | suppress_zeros)
    mask = primary.copy()
    if not mask.any():
        return v, primary, mask
    r, c = v.shape[0] - 1, v.shape[1] - 1
    lines = _lines(r, c)
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


# --- groups under a published total -----------------------------------------------------------


def line_mask(
    counts: ArrayLike, *, k: int = 5, zero_published: bool = False
) -> tuple[BoolArray, BoolArray]:
    """(primary, mask) for groups whose total is published.

    Primary: n < k (zero groups too, unless ``zero_published``). Then :func:`suppression_mask`
    on the one-column table with its total (in closed form: a lone small group under a total of
    at least k takes the smallest non-zero other group with it, the first of equals), then the
    smallest published non-zero groups until the suppressed groups hold 0 or at least k.
    """
    key = tuple(int(v) for v in np.asarray(counts, dtype=np.int64).ravel())
    primary, mask = _line_mask_cached(key, int(k), bool(zero_published))
    return np.array(primary, dtype=bool), np.array(mask, dtype=bool)


@functools.lru_cache(maxsize=65536)
def _line_mask_cached(
    n: tuple[int, ...], k: int, zero_published: bool
) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    vals = np.asarray(n, dtype=np.int64)
    if vals.size == 0:
        return (), ()
    small = (vals > 0) & (vals < k)
    primary = small if zero_published else vals < k
    mask = primary.copy()
    if int(small.sum()) == 1 and int(vals.sum()) >= k:
        cand = np.flatnonzero(~small & (vals > 0))
        if cand.size:
            mask[cand[np.argmin(vals[cand])]] = True
    while True:
        hidden = int(vals[mask].sum())
        if hidden == 0 or hidden >= k:
            break
        cand = np.flatnonzero(~mask & (vals > 0))
        if cand.size == 0:
            break
        mask[cand[np.argmin(vals[cand])]] = True
    return tuple(bool(p) for p in primary), tuple(bool(m) for m in mask)


# --- tables published with other sums over the same units -------------------------------------


def protect_table(
    values: ArrayLike,
    *,
    k: int = 5,
    force: BoolArray | None = None,
    linked: ArrayLike | None = None,
    links: Sequence[int] = (),
) -> BoolArray:
    """Suppression mask (extended (r+1) x (c+1) shape) of a two-way count table published
    together with other linear sums over its interior cells.

    :func:`suppression_mask` first; ``force`` (extended shape) adds cells to suppress and
    protect (e.g. margins a breakdown elsewhere suppresses). ``linked`` (m x r*c) are the other
    published sums; ``links[i]`` says when sum i is published: :data:`ALWAYS`, or the flat
    index ``row * (c + 1) + col`` of the extended cell it is published with. A cell is
    protected when it is small (0 < n < k) or forced, unless the always-published sums alone
    determine it (then it is public anyway). Complements are added until no protected cell
    is determined (:func:`determined`) by everything published.
    """
    x = np.asarray(values, dtype=np.float64)
    r, c = x.shape
    _, _, mask = suppression_mask(x, k=k)
    ext = _extend(x)
    protect = (ext > 0) & (ext < k)
    if force is not None:
        mask |= force
        protect |= force
    f_table = table_functionals(r, c)
    n_table = f_table.shape[0]
    extra = np.zeros((0, r * c)) if linked is None else np.asarray(linked, dtype=np.float64)
    link = np.asarray(links, dtype=np.int64)
    if extra.shape[0] != link.size:
        raise ValueError("one link per linked functional")
    f = np.vstack([f_table, extra.reshape(-1, r * c)])

    def published(m: BoolArray) -> BoolArray:
        flat = ~m.ravel()
        return np.concatenate([flat, (link == ALWAYS) | flat[np.maximum(link, 0)]])

    def det(m: BoolArray) -> BoolArray:
        return determined(f, published(m))

    # numbers published whatever the table does are not protected by it
    always = published(np.ones_like(mask))
    always[:n_table] = False
    protect &= ~determined(f, always)[:n_table].reshape(r + 1, c + 1)
    for _ in range(ext.size + 1):
        hit = det(mask)[:n_table].reshape(r + 1, c + 1) & protect & mask
        if not hit.any():
            break
        i, j = (int(v) for v in np.argwhere(hit)[0])
        pick = _next_complement(ext, mask, i, j, det)
        if pick is None:
            protect[i, j] = False  # cannot be protected by more suppression
            continue
        mask[pick] = True
    return mask


def _next_complement(
    ext: FloatArray,
    mask: BoolArray,
    i: int,
    j: int,
    det: Callable[[BoolArray], BoolArray],
) -> tuple[int, int] | None:
    """The next cell to suppress for a determined cell (i, j): the first candidate that makes it
    undetermined, else the first candidate; candidates are unsuppressed cells, interior before
    margins, in (i, j)'s row or column before others, non-zero before zero, small before large."""
    r, c = ext.shape[0] - 1, ext.shape[1] - 1
    cand = [(int(a), int(b)) for a, b in np.argwhere(~mask)]
    if not cand:
        return None

    def key(cell: tuple[int, int]) -> tuple[int, int, int, float]:
        margin = int(cell[0] == r or cell[1] == c)
        in_line = int(not (cell[0] == i or cell[1] == j or (i == r and j == c)))
        return (margin, in_line, int(ext[cell] == 0), float(ext[cell]))

    cand.sort(key=key)
    for cell in cand[:12]:
        trial = mask.copy()
        trial[cell] = True
        if not det(trial)[i * (c + 1) + j]:
            return cell
    return cand[0]
