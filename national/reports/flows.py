"""Exits by outcome x gender for one association, protected against everything else
published about the same exits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from national.reports.inputs import EXIT_OUTCOMES, GENDER_ROWS, N_BELOW_K, REGISTER_POINT, Json
from national.reports.targets import Core
from stats import line_mask, protect_table
from stats.disclosure import ALWAYS


def exit_flows(
    core: Core, assoc: str, k: int, exits: pd.DataFrame | None = None
) -> tuple[list[Json], dict[str, NDArray[np.bool_]]]:
    """Per half-year the exits table (outcome x gender, margins) and, per half-year, which
    gender columns are published (used by the register targets' gender breakdown).
    ``exits``: this association's rows of ``core.exits`` when the caller has them grouped."""
    if exits is None:
        exits = core.exits[core.exits["association"] == assoc]
    reg = [t for t in core.targets if t.kind == "register_share"]
    sets = [np.isin(np.array(EXIT_OUTCOMES), t.outcomes) for t in reg]
    flows: list[Json] = []
    genders: dict[str, NDArray[np.bool_]] = {}
    if exits.empty:
        return flows, genders
    # outcome x gender counts per half-year in one bincount
    r, c = len(EXIT_OUTCOMES), len(GENDER_ROWS)
    row = pd.Index(EXIT_OUTCOMES).get_indexer(exits["outcome"])
    col = pd.Index(GENDER_ROWS).get_indexer(exits["gender"])
    period_codes, periods = pd.factorize(exits["period"], sort=True)
    tables = np.bincount(
        (period_codes * r + row) * c + col, minlength=len(periods) * r * c
    ).reshape(len(periods), r, c)
    for p_index, period in enumerate(periods):
        x = tables[p_index].astype(np.int64)
        why = core.reasons.get((assoc, REGISTER_POINT, str(period)), N_BELOW_K)
        cell_published = bool(reg) and why is None
        force_total = bool(reg) and why is not None
        mask = _protect(x, sets, cell_published, force_total, k)
        ext = np.zeros((x.shape[0] + 1, x.shape[1] + 1), dtype=np.int64)
        ext[:-1, :-1] = x
        ext[:-1, -1] = x.sum(axis=1)
        ext[-1, :-1] = x.sum(axis=0)
        ext[-1, -1] = x.sum()
        rows = [*EXIT_OUTCOMES, "total"]
        cols = [*GENDER_ROWS, "total"]
        counts = [
            {
                "outcome": r,
                **{c: (None if mask[i, j] else int(ext[i, j])) for j, c in enumerate(cols)},
            }
            for i, r in enumerate(rows)
        ]
        flows.append({"period": str(period), "rows": rows, "columns": cols, "counts": counts})
        genders[str(period)] = ~mask[-1, :-1]
    return flows, genders


def _protect(
    x: NDArray[np.int64],
    sets: list[NDArray[np.bool_]],
    cell_published: bool,
    force_total: bool,
    k: int,
) -> NDArray[np.bool_]:
    """Suppression mask (extended shape) of an exits table given what else is published, by
    :func:`stats.protect_table`.

    When the register cell is published, so are, per register target, the exits to its
    outcomes (the numerator; always) and their breakdown by gender (with the table's gender
    margin), and the grand total (the cell's n); the gender margins are then suppressed as a
    line with the grand total (:func:`stats.line_mask`, since the register share is broken down
    by gender). When the register cell is suppressed nationally, the grand total is forced.
    """
    r, c = x.shape
    force = np.zeros((r + 1, c + 1), dtype=bool)
    if force_total:
        force[r, c] = True
    if not cell_published:
        return protect_table(x, k=k, force=force)
    force[r, :c] = line_mask(x.sum(axis=0), k=k, zero_published=True)[1]
    linked: list[NDArray[np.float64]] = []
    links: list[int] = []
    for s in sets:
        m = np.zeros((r, c))
        m[s, :] = 1.0
        linked.append(m.ravel())
        links.append(ALWAYS)
        for j in range(c):
            m = np.zeros((r, c))
            m[s, j] = 1.0
            linked.append(m.ravel())
            links.append(r * (c + 1) + j)  # published with the table's gender margin j
    linked.append(np.ones(r * c))
    links.append(ALWAYS)
    return protect_table(x, k=k, force=force, linked=np.array(linked), links=links)
