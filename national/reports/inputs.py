"""Inputs of the national reports: the pooled snapshot, the instrument map, codes and
the half-year and Swedish text helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from vocabulary import EXIT_OUTCOMES as EXIT_OUTCOMES
from vocabulary import GENDERS as GENDERS

POOLED = "pooled"
UNKNOWN_GENDER = "unknown"
GENDER_ROWS: tuple[str, ...] = (*GENDERS, UNKNOWN_GENDER)
REGISTER_POINT = 20
SURVEY_KINDS = frozenset({"share_at_least", "mean_at_least"})
FUNNEL_KINDS = frozenset({"share_at_least", "register_share"})


N_BELOW_K = "n_below_k"
COMPLEMENTARY = "complementary"


Json = dict[str, Any]


@dataclass(frozen=True)
class InstrumentMap:
    """Items to points, points to indicators, forms to their ordered items; the answer scale."""

    item_point: dict[str, int]
    point_indicator: dict[int, int]
    form_items: dict[str, list[str]]
    scale_min: int = 1
    scale_max: int = 5
    # pooling keys of items a later version added (no crosswalk predecessor): reported per
    # version in the item-level reports, left out of their point's pooled results
    version_only: frozenset[str] = frozenset()

    def point_items(self, point: int) -> list[str]:
        return [
            item
            for item, p in self.item_point.items()
            if p == point and item not in self.version_only
        ]

    def item_indicator(self, item: str) -> int:
        return self.point_indicator[self.item_point[item]]


def instrument_map_from_yaml(data: Mapping[str, Any]) -> InstrumentMap:
    """The map from the instrument file (``yaml.safe_load`` of ``instrument_v1.yaml``)."""
    item_point: dict[str, int] = {}
    point_indicator: dict[int, int] = {}
    for point in data["points"]:
        number = int(point["number"])
        point_indicator[number] = int(point["indicator"])
        for item in point.get("items") or ():
            item_point[str(item["code"])] = number
    form_items = {str(f["code"]): [str(c) for c in f["items"]] for f in data["forms"]}
    scale = data.get("scale") or {}
    return InstrumentMap(
        item_point=item_point,
        point_indicator=point_indicator,
        form_items=form_items,
        scale_min=int(scale.get("min", 1)),
        scale_max=int(scale.get("max", 5)),
    )


@dataclass(frozen=True)
class PooledSnapshot:
    """A pooled national snapshot and the instrument map.

    ``answers``, one row per questionnaire and item: association, county, response (unique per
    questionnaire), pseudonym (keyed HMAC of the participant; None on half-yearly forms),
    form_code, occasion, period (Timestamp, first day of the month answered),
    instrument_version, respondent, gender, age_band, item_code, value (Int16 1-5 or NA),
    dont_know (bool).
    ``outcomes``, one row per participant: association, county, pseudonym, exit_month
    (Timestamp or NaT), exit_outcome (work/studies/other_solution/dropped_out/still_in or None),
    subsidised_work (bool), gender, age_band.
    """

    answers: pd.DataFrame
    outcomes: pd.DataFrame
    instrument: InstrumentMap
    # frames prepared from the inputs, shared by the reports (see memoised)
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)


def half_year(period: pd.Series) -> pd.Series:
    """``"2016H1"`` for January-June, ``"2016H2"`` for July-December, missing for NaT: a
    categorical whose labels are built once per distinct half-year, not per row."""
    ts = pd.to_datetime(pd.Series(period))
    key = (ts.dt.year * 2 + (ts.dt.month > 6)).to_numpy(dtype=np.float64)
    codes, uniques = pd.factorize(np.where(np.isnan(key), -1, key).astype(np.int64), sort=True)
    labels = [None if u < 0 else f"{u // 2}H{u % 2 + 1}" for u in uniques]
    if labels and labels[0] is None:  # NaT sorts first: make it missing
        codes, labels = codes - 1, labels[1:]
    # a categorical (object categories, in time order): no per-row strings
    half = pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object))
    return pd.Series(half, index=ts.index)


def share_text(successes: int, n: int) -> str:
    """Swedish social-accounting style: ``share_text(18, 24) == "75 % (18/24)"`` (percent
    rounded half up to a whole number)."""
    if n <= 0:
        raise ValueError("n must be positive")
    pct = (200 * successes + n) // (2 * n)
    return f"{pct} % ({successes}/{n})"


def mean_text(mean: float, n: int) -> str:
    """Swedish decimal comma: ``mean_text(3.84, 24) == "3,8 (n = 24)"``."""
    return f"{mean:.1f}".replace(".", ",") + f" (n = {n})"
