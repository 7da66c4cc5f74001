"""Measurement invariance across groups (gender, associations, ...): configural, metric and
scalar multi-group CFA (:mod:`stats.mgcfa`), the change in fit between levels, and which items'
loadings or intercepts are not invariant.

Decision between two nested levels (Chen 2007; Cheung & Rensvold 2002): the stricter level is
rejected when CFI drops by more than 0.010 (``delta_cfi < -0.010``) or RMSEA rises by more than
0.015 (``delta_rmsea > 0.015``). The chi-square difference test is reported too (it rejects
trivial differences at the sample sizes of a national pool, so it does not decide).

Items: when a level is rejected, the constraint of one item at a time is released (lavaan
``group.partial``) and the item whose release lowers chi-square most is freed, if that
chi-square difference (G - 1 df) is significant after Holm's correction over the items still
constrained; repeated until no release is significant or only two constrained items remain
(partial invariance needs at least two). Releasing one at a time, rather than testing every item
against the fully constrained model, keeps one non-invariant item from making its neighbours
look non-invariant too.

Groups with fewer than ``min_n`` complete rows are left out and listed in ``skipped``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats as sps

from stats.mgcfa import GroupData, MultiGroupFit, cfa_multigroup, group_data

LEVELS = ("configural", "metric", "scalar")
DELTA_CFI = -0.010
DELTA_RMSEA = 0.015


@dataclass(frozen=True)
class Invariance:
    """``fits`` per level; ``comparison`` one row per step (metric vs configural, scalar vs
    metric): delta_cfi, delta_rmsea, chi2_diff, df_diff, p_diff, invariant; ``non_invariant``
    one row per freed parameter (item, parameter "loading"/"intercept", chi2_diff, df, p_holm);
    ``groups`` the labels used, with their n; ``skipped`` labels below ``min_n``."""

    fits: dict[str, MultiGroupFit]
    comparison: pd.DataFrame
    non_invariant: pd.DataFrame
    groups: pd.Series
    skipped: tuple[object, ...] = field(default_factory=tuple)
    partial: dict[str, MultiGroupFit] = field(default_factory=dict)


def _compare(strict: MultiGroupFit, loose: MultiGroupFit) -> dict[str, float | bool | int]:
    d_chi = strict.chi2 - loose.chi2
    d_df = strict.df - loose.df
    d_cfi = strict.cfi - loose.cfi
    d_rmsea = strict.rmsea - loose.rmsea
    return {
        "delta_cfi": d_cfi,
        "delta_rmsea": d_rmsea,
        "chi2_diff": d_chi,
        "df_diff": d_df,
        "p_diff": float(sps.chi2.sf(d_chi, d_df)) if d_df > 0 else float("nan"),
        "invariant": bool(d_cfi >= DELTA_CFI and d_rmsea <= DELTA_RMSEA),
    }


def _release(
    data: GroupData,
    pattern: ArrayLike | None,
    fit: MultiGroupFit,
    parameter: str,
    alpha: float,
) -> tuple[MultiGroupFit, list[dict[str, object]]]:
    """Free one item's loading or intercept at a time while that is significant (see module)."""
    p = data.means.shape[1]
    pat = np.ones((p, 1), dtype=bool) if pattern is None else np.asarray(pattern, dtype=bool)
    markers = set(pat.argmax(axis=0).tolist())
    key = "free_loadings" if parameter == "loading" else "free_intercepts"
    freed: list[int] = []
    rows: list[dict[str, object]] = []
    g_df = data.n.size - 1
    while True:
        # a marker's loading is fixed to 1 in every group: it cannot be released
        cands = [
            j for j in range(p) if j not in freed and not (key == "free_loadings" and j in markers)
        ]
        if len(cands) <= 2:
            break
        trial = {}
        for j in cands:
            fl, fi = fit.free_loadings, fit.free_intercepts
            if key == "free_loadings":
                fl = (*fl, j)
            else:
                fi = (*fi, j)
            trial[j] = cfa_multigroup(
                data, pattern, equal=fit.equal, free_loadings=fl, free_intercepts=fi
            )
        best = min(trial, key=lambda j: trial[j].chi2)
        d_chi = fit.chi2 - trial[best].chi2
        p_raw = float(sps.chi2.sf(d_chi, g_df))
        p_holm = min(1.0, p_raw * len(cands))  # Holm: the smallest p of m tests times m
        if p_holm >= alpha:
            break
        rows.append({"item": best, "parameter": parameter, "chi2_diff": d_chi, "df": g_df,
                     "p_holm": p_holm})  # fmt: skip
        freed.append(best)
        fit = trial[best]
    return fit, rows


def measurement_invariance(
    values: ArrayLike,
    groups: ArrayLike,
    *,
    pattern: ArrayLike | None = None,
    items: Sequence[str] | None = None,
    min_n: int = 100,
    alpha: float = 0.01,
) -> Invariance:
    """Configural, metric and scalar invariance of the items (columns of ``values``, rows =
    questionnaires, NaN = missing; complete rows are used) across ``groups`` (one label per
    row). ``pattern`` items x factors (default one factor). Groups below ``min_n`` complete
    rows are skipped; at least two groups must remain. Non-invariant items are searched for
    when a step is rejected (module docstring); ``items`` names them in ``non_invariant``."""
    x = np.asarray(values, dtype=np.float64)
    g = np.asarray(groups)
    complete = ~np.isnan(x).any(axis=1)
    labels, counts = np.unique(g[complete], return_counts=True)
    # a group with no complete row is as small as one below min_n (it has no moments)
    small = np.setdiff1d(np.unique(g), labels[counts >= min_n])
    keep = ~np.isin(g, small)
    data, used = group_data(x[keep], g[keep])
    if used.size < 2:
        raise ValueError(f"need two groups with at least {min_n} complete rows")
    fits = {
        "configural": cfa_multigroup(data, pattern),
        "metric": cfa_multigroup(data, pattern, equal=("loadings",)),
        "scalar": cfa_multigroup(data, pattern, equal=("loadings", "intercepts")),
    }
    steps = [("metric", "configural"), ("scalar", "metric")]
    comparison = pd.DataFrame(
        [{"level": s, "versus": v, **_compare(fits[s], fits[v])} for s, v in steps]
    )
    rows: list[dict[str, object]] = []
    partial: dict[str, MultiGroupFit] = {}
    metric = fits["metric"]
    if not comparison.loc[0, "invariant"]:
        metric, found = _release(data, pattern, metric, "loading", alpha)
        rows += found
        partial["metric"] = metric
    if not comparison.loc[1, "invariant"]:
        scalar = fits["scalar"]
        if metric is not fits["metric"]:  # build on the partial metric model
            scalar = cfa_multigroup(data, pattern, equal=("loadings", "intercepts"),
                                    free_loadings=metric.free_loadings)  # fmt: skip
        scalar, found = _release(data, pattern, scalar, "intercept", alpha)
        rows += found
        partial["scalar"] = scalar
    non_inv = pd.DataFrame(rows, columns=["item", "parameter", "chi2_diff", "df", "p_holm"])
    if items is not None and len(non_inv):
        non_inv["item"] = [items[int(j)] for j in non_inv["item"]]
    return Invariance(
        fits=fits,
        comparison=comparison,
        non_invariant=non_inv,
        groups=pd.Series(data.n.astype(np.int64), index=used, name="n"),
        skipped=tuple(small.tolist()),
        partial=partial,
    )
