"""Reliability for every group of a long table in one call.

A group is any combination of key columns (association x form x period x instrument version).
Rows are questionnaires, item columns hold the answers (NaN = not answered). The work is one
sort by group and one Gram matrix per group (:func:`stats.moments.moments_grouped`); every
statistic is then computed for all groups at once on stacks of k x k matrices. The formulas and
missing-data rules are those of :mod:`stats.reliability`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from stats.moments import Missing, moments_grouped
from stats.reliability import ordinal_alpha, scale_tables


@dataclass(frozen=True)
class GroupedReliability:
    """``scales``: one row per group (key columns + scale statistics);
    ``items``: one row per group and item (key columns, ``item`` + item statistics)."""

    missing: Missing
    level: float
    scales: pd.DataFrame
    items: pd.DataFrame


def reliability_arrays(
    values: NDArray[np.floating],
    codes: NDArray[np.integer] | None = None,
    n_groups: int | None = None,
    *,
    missing: Missing = "pairwise",
    categories: Sequence[int] | None = None,
    level: float = 0.95,
    n_boot: int = 0,
    seed: int | None = None,
    ordinal: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Array entry point: ``values`` (n, k) with NaN, ``codes`` group number per row.

    Returns (scales, items) indexed by group number. Bootstrap CIs (``n_boot`` > 0) are
    computed per group with :func:`stats.bootstrap.alpha_bootstrap` and independent streams
    spawned from ``seed``; ordinal alpha uses :func:`stats.polychoric.polychoric_grouped`.
    """
    cats = None if categories is None else np.asarray(list(categories), dtype=np.float64)
    m = moments_grouped(values, codes, n_groups, missing=missing, categories=cats)
    scales, items = scale_tables(m, level=level)
    g_n = scales.shape[0]
    if n_boot > 0 or ordinal:
        from stats.moments import group_sort

        x = np.asarray(values, dtype=np.float64)
        cc = np.zeros(x.shape[0], dtype=np.int64) if codes is None else np.asarray(codes)
        order, starts = group_sort(cc, g_n)
        xs = x if order is None else np.take(x, order, axis=0)
        if n_boot > 0:
            from stats.bootstrap import alpha_bootstrap

            seeds = np.random.SeedSequence(seed).spawn(g_n)
            low = np.full(g_n, np.nan)
            high = np.full(g_n, np.nan)
            for g in range(g_n):
                block = xs[starts[g] : starts[g + 1]]
                if block.shape[0] >= 3:
                    res = alpha_bootstrap(
                        block, n_boot=n_boot, seed=seeds[g], missing=missing, level=level
                    )
                    low[g], high[g] = res.ci
            scales["ci_boot_low"] = low
            scales["ci_boot_high"] = high
        if ordinal:
            from stats.polychoric import polychoric_grouped

            rho = polychoric_grouped(xs, starts, missing=missing)
            scales["alpha_ordinal"] = ordinal_alpha(rho)
    return scales, items


def reliability_grouped(
    data: pd.DataFrame,
    *,
    items: Sequence[str],
    by: Sequence[str] | str,
    missing: Missing = "pairwise",
    categories: Sequence[int] | None = None,
    level: float = 0.95,
    n_boot: int = 0,
    seed: int | None = None,
    ordinal: bool = False,
) -> GroupedReliability:
    """Reliability per group of ``data`` (one row per questionnaire).

    ``items`` are the item columns (answers, NaN when missing), ``by`` the group key columns.
    Groups appear in sorted key order. See :func:`reliability_arrays` for the options.
    """
    keys = [by] if isinstance(by, str) else list(by)
    item_cols = list(items)
    if len(item_cols) < 2:
        raise ValueError("need at least two items")
    grouper = data.groupby(keys, sort=True, observed=True, dropna=False)
    codes = grouper.ngroup().to_numpy(dtype=np.int64)
    key_frame = grouper.size().reset_index()[keys]
    values = data[item_cols].to_numpy(dtype=np.float64, na_value=np.nan)
    scales, item_table = reliability_arrays(
        values,
        codes,
        len(key_frame),
        missing=missing,
        categories=categories,
        level=level,
        n_boot=n_boot,
        seed=seed,
        ordinal=ordinal,
    )
    scales = pd.concat([key_frame.reset_index(drop=True), scales], axis=1)
    g = item_table.pop("group").to_numpy()
    k_frame = key_frame.iloc[g].reset_index(drop=True)
    item_table["item"] = np.asarray(item_cols, dtype=object)[item_table["item"].to_numpy()]
    item_table = pd.concat([k_frame, item_table], axis=1)
    return GroupedReliability(missing=missing, level=level, scales=scales, items=item_table)


def wide_from_long(
    data: pd.DataFrame, *, questionnaire: str, item: str, value: str, keys: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per answer (questionnaire id, item, value, keys...) to one row per questionnaire.

    Unanswered items become NaN; key columns must be constant within a questionnaire, and a
    questionnaire answers an item at most once (else ValueError).
    """
    idx = [questionnaire, *keys]
    wide = data.pivot(index=idx, columns=item, values=value)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()
