"""Benchmarking against target levels: shares meeting a rule, CIs, green/red/grey signals.

A target is a rule on one answer (e.g. "answers 4 or 5") and a level (e.g. 80 % of answers).
Per unit (association, activity, period ...) we report n, the share meeting the rule, Wilson and
exact Clopper-Pearson CIs and a signal. Missing answers (NaN) are not answers: they count in
neither n nor the successes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps

CiMethod = Literal["wilson", "clopper_pearson"]


def proportion_ci(
    successes: ArrayLike, n: ArrayLike, *, level: float = 0.95, method: CiMethod = "wilson"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Confidence interval for a binomial proportion, vectorised; NaN where n = 0.

    Wilson: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
    Clopper-Pearson (exact): Beta(a/2; x, n-x+1) and Beta(1-a/2; x+1, n-x), 0 and 1 at the ends.
    """
    x = np.asarray(successes, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    a = 1.0 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "wilson":
            z = sps.norm.isf(a / 2.0)
            p = x / nn
            centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
            half = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn)
            low, high = centre - half, centre + half
        elif method == "clopper_pearson":
            low = np.where(x > 0, sps.beta.ppf(a / 2, x, nn - x + 1), 0.0)
            high = np.where(x < nn, sps.beta.isf(a / 2, x + 1, nn - x), 1.0)
        else:
            raise ValueError(f"unknown method {method!r}")
    bad = ~(nn > 0)
    low = np.where(bad, np.nan, low)
    high = np.where(bad, np.nan, high)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def meets_rule(
    values: pd.Series,
    *,
    at_least: float | None = None,
    accept: Collection[float] | Callable[[pd.Series], pd.Series] | None = None,
) -> pd.Series:
    """1.0 where an answer meets the rule, 0.0 where it does not, NaN where unanswered.

    ``at_least=4`` means "answers 4 or higher"; ``accept`` is a set of accepted answers or a
    function of the answers returning booleans.
    """
    if (at_least is None) == (accept is None):
        raise ValueError("give exactly one of at_least or accept")
    if at_least is not None:
        ok = values >= at_least
    elif callable(accept):
        ok = accept(values).astype(bool)
    else:
        assert accept is not None
        ok = values.isin(list(accept))
    return ok.astype(np.float64).where(values.notna())


def target_shares(
    data: pd.DataFrame,
    *,
    value: str,
    by: Sequence[str] | str,
    target: float,
    at_least: float | None = None,
    accept: Collection[float] | Callable[[pd.Series], pd.Series] | None = None,
    min_n: int = 5,
    level: float = 0.95,
    signal_ci: CiMethod = "wilson",
    at_most: bool = False,
) -> pd.DataFrame:
    """Share of answers meeting the rule per unit, with CIs and a signal.

    With ``at_most`` the target is a ceiling: "green" when share <= target.

    Columns: keys, ``n``, ``successes``, ``share``, ``wilson_low/high``, ``exact_low/high``,
    ``signal`` ("green" share >= target, "red" below, "grey" n < ``min_n``) and ``clearly``
    ("above" / "below" when the ``signal_ci`` interval excludes the target, else "").
    """
    keys = [by] if isinstance(by, str) else list(by)
    ok = meets_rule(data[value], at_least=at_least, accept=accept)
    frame = data[keys].assign(_ok=ok)
    agg = frame.groupby(keys, sort=True, observed=True, dropna=False)["_ok"].agg(["count", "sum"])
    agg = agg.rename(columns={"count": "n", "sum": "successes"}).reset_index()
    n = agg["n"].to_numpy(dtype=np.float64)
    x = agg["successes"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["share"] = x / n
    agg["wilson_low"], agg["wilson_high"] = proportion_ci(x, n, level=level, method="wilson")
    agg["exact_low"], agg["exact_high"] = proportion_ci(x, n, level=level, method="clopper_pearson")
    agg["signal"] = _signal(agg["share"].to_numpy(), n, target, min_n, at_most=at_most)
    lo_col, hi_col = ("wilson_low", "wilson_high") if signal_ci == "wilson" else (
        "exact_low", "exact_high")  # fmt: skip
    clearly = np.where(agg[lo_col] > target, "above", np.where(agg[hi_col] < target, "below", ""))
    agg["clearly"] = np.where(n >= min_n, clearly, "")
    agg["n"] = agg["n"].astype(np.int64)
    agg["successes"] = agg["successes"].astype(np.int64)
    return agg


def _signal(
    share: NDArray[np.float64],
    n: NDArray[np.float64],
    target: float,
    min_n: int,
    *,
    at_most: bool = False,
):
    met = share <= target if at_most else share >= target
    return np.where(n < min_n, "grey", np.where(met, "green", "red"))


def newcombe_diff_ci(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, *, level: float = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Newcombe (1998, method 10) hybrid score CI for p2 - p1 of independent samples.

    With Wilson limits (l_i, u_i): low = d - sqrt((p2 - l2)^2 + (u1 - p1)^2),
    high = d + sqrt((u2 - p2)^2 + (p1 - l1)^2), d = p2 - p1.
    """
    x1a, n1a = np.asarray(x1, float), np.asarray(n1, float)
    x2a, n2a = np.asarray(x2, float), np.asarray(n2, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1a / n1a, x2a / n2a
    l1, u1 = proportion_ci(x1a, n1a, level=level)
    l2, u2 = proportion_ci(x2a, n2a, level=level)
    d = p2 - p1
    low = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return low, high


def change_between_periods(
    data: pd.DataFrame,
    *,
    value: str,
    unit: Sequence[str] | str,
    period: str,
    before: object,
    after: object,
    at_least: float | None = None,
    accept: Collection[float] | Callable[[pd.Series], pd.Series] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change in the share meeting the rule per unit between two periods, with Newcombe's CI.

    The two periods are treated as independent samples (different questionnaires); a unit
    missing in one period gets NaN. Columns: keys, n/successes/share for ``before`` and
    ``after``, ``change`` (after - before), ``change_low``, ``change_high``.
    """
    keys = [unit] if isinstance(unit, str) else list(unit)
    ok = meets_rule(data[value], at_least=at_least, accept=accept)
    frame = data[[*keys, period]].assign(_ok=ok)
    frame = frame[frame[period].isin([before, after])]
    agg = frame.groupby([*keys, period], observed=True)["_ok"].agg(["count", "sum"])
    wide = agg.unstack(period)
    out = pd.DataFrame(index=wide.index)
    for tag, p in (("before", before), ("after", after)):
        n = wide["count"][p] if p in wide["count"].columns else np.nan
        x = wide["sum"][p] if p in wide["sum"].columns else np.nan
        out[f"n_{tag}"] = n
        out[f"successes_{tag}"] = x
        out[f"share_{tag}"] = out[f"successes_{tag}"] / out[f"n_{tag}"]
    out["change"] = out["share_after"] - out["share_before"]
    lo, hi = newcombe_diff_ci(
        out["successes_before"],
        out["n_before"],
        out["successes_after"],
        out["n_after"],
        level=level,
    )
    out["change_low"], out["change_high"] = lo, hi
    return out.reset_index()
