"""Item review: flags with the number behind each, for the instrument's development group.

Input is the item table of :func:`stats.reliability.reliability` (or of the grouped version,
one row per group and item, with the group's key columns named in ``keys``), the scale's raw
alpha, and optionally standardised loadings, "don't know" shares and the non-invariant
parameters of :func:`stats.invariance.measurement_invariance`. Output: one row per raised flag,
with the flag code, the statistic it rests on (a column name of the item table, so a page can
link the flag to its number), the value, the threshold and the n.

Flag codes (snake_case; labels live in the vocabulary module) and default thresholds:

=========================  ========================  ==========================================
code                       statistic                 raised when
=========================  ========================  ==========================================
zero_variance              sd                        every answer is the same (no correlation)
few_answers                n                         n < 30: the other flags are too uncertain
low_item_rest_r            r_drop                    item-rest correlation < 0.30
alpha_rises_if_dropped     alpha_raw_if_dropped      alpha without the item > alpha + 0.01
floor_effect               floor_share               > 15 % of answers on the lowest point
ceiling_effect             ceiling_share             > 15 % on the highest point (Terwee 2007)
many_dont_know             dont_know_share           > 10 % "don't know"
high_missing               missing_share             > 10 % of questionnaires left it blank
low_loading                loading                   standardised loading < 0.40
non_invariant_loading      chi2_diff                 loading released in partial invariance
non_invariant_intercept    chi2_diff                 intercept released in partial invariance
=========================  ========================  ==========================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

FLAG_CODES = (
    "zero_variance",
    "few_answers",
    "low_item_rest_r",
    "alpha_rises_if_dropped",
    "floor_effect",
    "ceiling_effect",
    "many_dont_know",
    "high_missing",
    "low_loading",
    "non_invariant_loading",
    "non_invariant_intercept",
)
COLUMNS = ["item", "code", "statistic", "value", "threshold", "n"]


@dataclass(frozen=True)
class ReviewThresholds:
    min_n: int = 30
    item_rest_r: float = 0.30
    alpha_gain: float = 0.01
    floor_share: float = 0.15
    ceiling_share: float = 0.15
    dont_know_share: float = 0.10
    missing_share: float = 0.10
    loading: float = 0.40


@dataclass(frozen=True)
class ItemReview:
    """``flags``: one row per flag (``keys`` columns, then COLUMNS); ``thresholds`` used."""

    flags: pd.DataFrame
    thresholds: ReviewThresholds = field(default_factory=ReviewThresholds)

    def codes_for(self, item: str) -> list[str]:
        return self.flags.loc[self.flags["item"] == item, "code"].tolist()


def item_review(
    items: pd.DataFrame,
    *,
    alpha: float | ArrayLike,
    keys: Sequence[str] = (),
    loadings: Mapping[str, float] | pd.Series | None = None,
    dont_know_share: Mapping[str, float] | pd.Series | None = None,
    non_invariant: pd.DataFrame | None = None,
    thresholds: ReviewThresholds | None = None,
) -> ItemReview:
    """Flags for every item (rows of ``items``: an ``item`` column or the index). ``alpha`` is
    the scale's raw alpha (a scalar, or one value per row for grouped tables). ``loadings`` and
    ``dont_know_share`` map item names to values; ``non_invariant`` is
    ``Invariance.non_invariant`` (item names, parameter, chi2_diff)."""
    th = thresholds or ReviewThresholds()
    t = items.reset_index() if "item" not in items.columns else items.reset_index(drop=True)
    t = t.copy()
    t["item"] = t["item"].astype(str)
    t["_alpha"] = np.broadcast_to(np.asarray(alpha, dtype=np.float64), len(t))
    if loadings is not None:
        t["loading"] = t["item"].map(pd.Series(loadings, dtype=np.float64))
    if dont_know_share is not None:
        t["dont_know_share"] = t["item"].map(pd.Series(dont_know_share, dtype=np.float64))
    enough = t["n"] >= th.min_n
    # (code, statistic, threshold, condition): NaN statistics never raise a flag
    rules: list[tuple[str, str, float, pd.Series]] = [
        ("zero_variance", "sd", 0.0, t["sd"] == 0),
        ("few_answers", "n", float(th.min_n), ~enough),
        ("low_item_rest_r", "r_drop", th.item_rest_r, enough & (t["r_drop"] < th.item_rest_r)),
        ("alpha_rises_if_dropped", "alpha_raw_if_dropped", th.alpha_gain,
         enough & (t["alpha_raw_if_dropped"] > t["_alpha"] + th.alpha_gain)),
    ]  # fmt: skip
    for code, col, limit in (
        ("floor_effect", "floor_share", th.floor_share),
        ("ceiling_effect", "ceiling_share", th.ceiling_share),
        ("many_dont_know", "dont_know_share", th.dont_know_share),
        ("high_missing", "missing_share", th.missing_share),
    ):
        if col in t.columns:
            rules.append((code, col, limit, t[col] > limit))
    if "loading" in t.columns:
        rules.append(("low_loading", "loading", th.loading, enough & (t["loading"] < th.loading)))
    parts = []
    for code, col, limit, cond in rules:
        hit = t.loc[cond.fillna(False).astype(bool)]
        if len(hit):
            part = hit[[*keys, "item", "n"]].copy()
            part["code"], part["statistic"], part["threshold"] = code, col, limit
            part["value"] = hit[col].astype(np.float64)
            parts.append(part)
    if non_invariant is not None and len(non_invariant):
        ni = non_invariant.copy()
        ni["item"] = ni["item"].astype(str)
        ni = ni.merge(t[[*keys, "item", "n"]], on="item", how="left")
        ni["code"] = "non_invariant_" + ni["parameter"]
        ni["statistic"], ni["value"], ni["threshold"] = "chi2_diff", ni["chi2_diff"], np.nan
        parts.append(ni[[*keys, *COLUMNS]])
    order = {c: i for i, c in enumerate(FLAG_CODES)}
    if not parts:
        return ItemReview(flags=pd.DataFrame(columns=[*keys, *COLUMNS]), thresholds=th)
    flags = pd.concat(parts, ignore_index=True)[[*keys, *COLUMNS]]
    flags["_pos"] = flags["item"].map({it: i for i, it in enumerate(dict.fromkeys(t["item"]))})
    flags["_code"] = flags["code"].map(order)
    flags = flags.sort_values([*keys, "_pos", "_code"], kind="stable")
    flags = flags.drop(columns=["_pos", "_code"]).reset_index(drop=True)
    return ItemReview(flags=flags, thresholds=th)
