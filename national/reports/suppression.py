"""Suppression helpers (interim)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from national.reports.inputs import COMPLEMENTARY, N_BELOW_K
from stats import (
    suppression_mask,
)


def line_reasons(
    n: Sequence[int] | NDArray[np.integer], k: int, *, zero_published: bool = False
) -> list[str | None]:
    """Suppression reasons for groups whose total is published (None = publish).

    Primary: n < k (zero groups too, unless ``zero_published``). Complementary:
    :func:`stats.suppress_table` on the one-column table with its total, then the smallest
    published groups until the suppressed groups hold 0 or at least k answers together.
    """
    return list(_line_mask_cached(tuple(int(v) for v in n), k, zero_published))


@functools.lru_cache(maxsize=65536)
def _line_mask_cached(n: tuple[int, ...], k: int, zero_published: bool) -> tuple[str | None, ...]:
    vals = np.asarray(n, dtype=np.int64)
    if vals.size == 0:
        return ()
    small = (vals > 0) & (vals < k)
    primary = small if zero_published else vals < k
    mask = primary.copy()
    # stats.suppress_table on the one-column table with its total, in closed form: a lone
    # small cell under a published total (>= k) takes the smallest non-zero other cell with it
    # (the first of equals). tests/national/test_reports.py checks this against suppress_table.
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
    return tuple(
        N_BELOW_K if p else (COMPLEMENTARY if m else None)
        for p, m in zip(primary, mask, strict=True)
    )


def determined(f: NDArray[np.float64], published: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Unpublished linear functionals (rows of ``f``) that the published ones determine."""
    out = np.zeros(f.shape[0], dtype=bool)
    p = f[published]
    if p.shape[0] == 0:
        return out
    _, s, vt = np.linalg.svd(p, full_matrices=False)
    rank = int(np.sum(s > 1e-9 * max(float(s.max()), 1.0)))
    basis = vt[:rank]
    resid = f - (f @ basis.T) @ basis
    return (np.abs(resid).max(axis=1) < 1e-8) & ~published


def _flow_functionals(r: int, c: int, sets: list[NDArray[np.bool_]]) -> NDArray[np.float64]:
    """Rows: the (r+1)(c+1) cells of the extended table, then per outcome set its total and its
    per-gender sums, then the grand total (the register cell's n): functionals of r*c cells."""
    rows: list[NDArray[np.float64]] = []
    for i in range(r + 1):
        for j in range(c + 1):
            m = np.zeros((r, c))
            m[(slice(None) if i == r else i), (slice(None) if j == c else j)] = 1.0
            rows.append(m.ravel())
    for s in sets:
        m = np.zeros((r, c))
        m[s, :] = 1.0
        rows.append(m.ravel())
        for j in range(c):
            m = np.zeros((r, c))
            m[s, j] = 1.0
            rows.append(m.ravel())
    rows.append(np.ones(r * c))
    return np.array(rows)


def protect_flow(
    x: NDArray[np.int64],
    sets: list[NDArray[np.bool_]],
    cell_published: bool,
    force_total: bool,
    k: int,
) -> NDArray[np.bool_]:
    """Suppression mask (extended shape) of an exits table given what else is published.

    :func:`stats.suppress_table` first; the gender margins are then suppressed as a line with the
    grand total (:func:`line_reasons`, since the register share is broken down by gender), the
    grand total is forced when the register cell is suppressed nationally, and complements are
    added until no protected cell is determined by everything published (table cells, the
    register numerators and their gender breakdown).
    """
    r, c = x.shape
    _, _, mask = suppression_mask(x.astype(np.float64), k=k)
    ext = np.zeros((r + 1, c + 1))
    ext[:r, :c] = x
    ext[:r, c] = x.sum(axis=1)
    ext[r, :c] = x.sum(axis=0)
    ext[r, c] = x.sum()
    protect = (ext > 0) & (ext < k)
    if cell_published:
        col_why = line_reasons(x.sum(axis=0), k, zero_published=True)
        hidden = np.array([w is not None for w in col_why])
        mask[r, :c] |= hidden
        protect[r, :c] |= hidden
    if force_total:
        mask[r, c] = protect[r, c] = True
    f = _flow_functionals(r, c, sets)
    n_table = (r + 1) * (c + 1)
    n_extra = f.shape[0] - n_table

    def published(m: NDArray[np.bool_]) -> NDArray[np.bool_]:
        extra = np.zeros(n_extra, dtype=bool)
        if cell_published:
            pos = 0
            for _ in sets:
                extra[pos] = True
                extra[pos + 1 : pos + 1 + c] = ~m[r, :c]
                pos += 1 + c
            extra[-1] = True
        return np.concatenate([~m.ravel(), extra])

    # numbers the register cell publishes whatever the table does are not protected here
    always = np.concatenate(
        [np.zeros(n_table, dtype=bool), published(np.ones_like(mask))[n_table:]]
    )
    protect &= ~determined(f, always)[:n_table].reshape(r + 1, c + 1)
    for _ in range(ext.size + 1):
        det = determined(f, published(mask))[:n_table].reshape(r + 1, c + 1) & protect & mask
        if not det.any():
            break
        i, j = (int(v) for v in np.argwhere(det)[0])
        pick = _flow_complement(ext, mask, i, j, lambda m: determined(f, published(m)))
        if pick is None:
            protect[i, j] = False  # cannot be protected by more suppression
            continue
        mask[pick] = True
    return mask


def _flow_complement(
    ext: NDArray[np.float64],
    mask: NDArray[np.bool_],
    i: int,
    j: int,
    determined: Any,
) -> tuple[int, int] | None:
    """The next cell to suppress for a determined cell (i, j): the first candidate that makes it
    undetermined, else the first candidate; candidates are unsuppressed cells, interior before
    margins, in (i, j)'s row or column before others, non-zero before zero, small before large."""
    r, c = ext.shape[0] - 1, ext.shape[1] - 1
    cand = [tuple(int(v) for v in ix) for ix in np.argwhere(~mask)]
    if not cand:
        return None

    def key(cell: tuple[int, ...]) -> tuple[int, int, int, float]:
        margin = int(cell[0] == r or cell[1] == c)
        in_line = int(not (cell[0] == i or cell[1] == j or (i == r and j == c)))
        return (margin, in_line, int(ext[cell] == 0), float(ext[cell]))

    cand.sort(key=key)
    for cell in cand[:12]:
        trial = mask.copy()
        trial[cell] = True
        if not determined(trial)[i * (c + 1) + j]:
            return (cell[0], cell[1])
    return (cand[0][0], cand[0][1])
