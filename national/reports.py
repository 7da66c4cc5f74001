"""National reports (issue 6) from a pooled, anonymised national snapshot.

A pure module: pandas frames in, JSON-serialisable dicts and lists out (the Django side stores
them as JSON and serves them to the steering group's dashboard and the API). It imports numpy,
scipy, pandas and the project's :mod:`stats` library only, never Django.

Inputs
------
:class:`PooledSnapshot` holds ``answers`` (one row per questionnaire and item), ``outcomes``
(one row per participant, register data for point 20) and the :class:`InstrumentMap`
(:func:`instrument_map_from_yaml`). Targets are plain dicts ``{"point", "kind", "category",
"percent", "mean", "outcomes"}``; ``good_example`` targets are skipped in pooled numbers.

Reports
-------
* :func:`reliability_report`: alpha (raw, standardised) with Feldt CI, omega, average r, item-rest
  r and alpha-if-deleted per instrument version x form (all its items) and per version x form x
  indicator (indicators with two or more items on the form), pooled and per association, from one
  :func:`stats.reliability_grouped` call per item set.
* :func:`benchmark_report`: per association x point x half-year cells against the targets
  (shares with Wilson and exact CIs, signals; means with t CIs; point 20 from the register), the
  national share, funnel plots with overdispersion and the change between the two latest periods.
* :func:`validity_report`: convergent validity (participant vs staff on points 5/7, 12/12 and
  14/15), known groups (exit outcome) and a one-factor CFA per form.
* :func:`association_results`: one association's own results in the social accounting report's
  form ("75 % (18/24)"), by gender, its exits by outcome x gender and its position on each
  national funnel; it never names another association.

Rules and choices
-----------------
* An *answer* to a point is an answer to any of its items on any form, with a value 1-5; "don't
  know" and unanswered items are not answers (they count in neither n nor successes). Points with
  sub-statements (16, 17) count every sub-statement answer; points asked of several respondent
  groups (12, 14, 17a-b, 19, 21) pool them. A period is the half-year ``"2016H1"``/``"2016H2"`` of
  the answer's (or exit's) month.
* Point 20 (register): the exits of a half-year are the participants with an exit month in it and
  an exit outcome work/studies/other_solution/dropped_out; subsidised work counts as work. The
  share is the exits to the target's outcomes among all exits.
* Small numbers: every group with 1 <= n < k is suppressed (``"suppressed": True``, every number of
  the entry None, ``"reason": "n_below_k"``); groups with n = 0 are reported as suppressed too.
  Where a published total covers suppressed groups (the national n of a point and half-year over
  the associations; an association's total over genders; the reliability pooled n over the
  associations) complementary suppression is added with :func:`stats.suppress_table` (published
  as a one-column table with its total), and then, until the suppressed groups together hold 0 or
  at least k answers, the smallest published group is suppressed as well (``"complementary"``):
  the total minus the published groups never describes fewer than k answers. The same masks are
  used everywhere a group appears (cells, funnels, changes, an association's own results).
  The exits-by-outcome x gender table is suppressed with :func:`stats.suppress_table` and then
  checked, by linear algebra, against every other number published about the same exits (the
  register share and its gender breakdown); cells it would determine get further complements.
  A register-share numerator is published with its share whenever the exits (the denominator)
  number at least k, as survey successes are; an outcome count that equals such a numerator is
  therefore not protected in the table (it is already public).
  Limitation: an association that was chosen as a complement knows its own numbers, so the
  complement does not protect a small association against that one association.
* Reliability (pairwise missing data, psych's default): a group is computed only when its
  questionnaires number at least max(k, items + 1) and every item pair has at least k joint
  answers; otherwise it is suppressed (n shown when n >= k: reason ``"too_few_for_items"`` or
  ``"pair_n_below_k"``). Repeated questionnaires of one participant are treated as independent.
* Convergent validity pairs a participant's answer with the staff rating of the same participant
  (same association and pseudonym) in the same month, or else the nearest within +-1 month (ties go
  to the earlier month); each staff rating is used at most once (the closest answer wins).
  Point 12 pairs the participant's exit answer with the staff rating at exit.
* Known groups: each participant's score on an indicator is the mean of their answered items of
  that indicator on their exit questionnaire(s) (mean over questionnaires if several); groups are
  work/studies (subsidised work included) vs dropped_out. Hedges' g via
  :func:`stats.known_groups`, reported only when both groups have at least k participants.
* CFA: one factor per instrument version x form with >= 3 items, pooled, on the polychoric
  (default) or pairwise covariance matrix; n is the smallest pairwise n and must reach
  ``cfa_min_n`` (default 50) and k.
* Numbers are floats with full precision (NaN and infinities become None); the dashboard rounds.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import orjson
import pandas as pd
from numpy.typing import NDArray
from scipy import stats as sps

from stats import (
    cfa_one_factor,
    convergent_grouped,
    funnel_limits,
    known_groups,
    newcombe_diff_ci,
    overdispersion,
    polychoric,
    reliability_grouped,
    suppression_mask,
    target_shares,
)
from stats.grouped import wide_from_long

__all__ = [
    "EXIT_OUTCOMES",
    "GENDERS",
    "POOLED",
    "InstrumentMap",
    "PooledSnapshot",
    "association_results",
    "association_results_all",
    "benchmark_report",
    "convergent_pairs",
    "half_year",
    "instrument_map_from_yaml",
    "mean_text",
    "reliability_report",
    "share_text",
    "validity_report",
    "with_funnel_lines",
    "without_funnel_lines",
]

POOLED = "pooled"
GENDERS: tuple[str, ...] = ("woman", "man", "other", "undisclosed")
UNKNOWN_GENDER = "unknown"
GENDER_ROWS: tuple[str, ...] = (*GENDERS, UNKNOWN_GENDER)
EXIT_OUTCOMES: tuple[str, ...] = ("work", "studies", "other_solution", "dropped_out")
REGISTER_POINT = 20
SURVEY_KINDS = frozenset({"share_at_least", "mean_at_least"})
FUNNEL_KINDS = frozenset({"share_at_least", "register_share"})
KNOWN_GROUP_1 = ("work", "studies")
KNOWN_GROUP_2 = ("dropped_out",)
N_BELOW_K = "n_below_k"
COMPLEMENTARY = "complementary"

# (name, participant item, participant occasion, staff item, staff occasion); None = any.
CONVERGENT_PAIRS: tuple[tuple[str, str, str | None, str, str | None], ...] = (
    ("p5-p7", "p5", None, "p7", None),
    ("p12-p12", "p12", "exit", "p12", "exit"),
    ("p14-p15", "p14", None, "p15", None),
)

Json = dict[str, Any]


# ==============================================================================================
# inputs
# ==============================================================================================


@dataclass(frozen=True)
class InstrumentMap:
    """Items to points, points to indicators, forms to their ordered items; the answer scale."""

    item_point: dict[str, int]
    point_indicator: dict[int, int]
    form_items: dict[str, list[str]]
    scale_min: int = 1
    scale_max: int = 5

    def point_items(self, point: int) -> list[str]:
        return [item for item, p in self.item_point.items() if p == point]

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
    # frames prepared from the inputs, shared by the reports (see _memo)
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)


# ==============================================================================================
# small helpers
# ==============================================================================================


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


@contextmanager
def _quiet() -> Iterator[None]:
    """Degenerate groups (constant items, empty pairs) give NaN with RuntimeWarnings in the
    statistics; the NaN become None in the report."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


_ORJSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _json(obj: Any) -> Any:
    """Plain Python types only: NaN/inf -> None, numpy scalars -> int/float/bool, timestamps ->
    ISO text. Done by a round trip through orjson (which writes NaN and infinities as null and
    numpy scalars natively; ~30x faster than walking the reports in Python, ~4x faster than
    the standard library's C codec)."""
    try:
        text = orjson.dumps(obj, default=_json_scalar, option=_ORJSON_OPTIONS)
    except TypeError:  # keys JSON cannot take (numpy scalars): walk it
        return _json_walk(obj)
    return orjson.loads(text)


def _json_scalar(obj: Any) -> Any:
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    return str(obj)


def _json_walk(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(key): _json_walk(v) for key, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_walk(v) for v in obj]
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(obj)
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    if isinstance(obj, str):
        return obj
    return str(obj)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` without pandas' per-value boxing (a hot path)."""
    columns = [str(c) for c in frame.columns]
    # numbers as Python scalars in one C pass (tolist); anything else as objects
    values = [
        frame[c].to_numpy().tolist()
        if frame[c].dtype.kind in "fiub"
        else frame[c].to_numpy(dtype=object)
        for c in frame.columns
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _suppressed_copy(entry: Json, keep: Iterable[str], reason: str) -> Json:
    """The entry with every value outside ``keep`` set to None (lists emptied)."""
    kept = set(keep)
    out: Json = {}
    for key, v in entry.items():
        if key in kept:
            out[key] = v
        elif isinstance(v, list):
            out[key] = []
        elif isinstance(v, str) and key in {"signal"}:
            out[key] = "grey"
        elif isinstance(v, bool):
            out[key] = False
        else:
            out[key] = None
    out["suppressed"] = True
    out["reason"] = reason
    return out


def _line_mask(
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


def _determined(f: NDArray[np.float64], published: NDArray[np.bool_]) -> NDArray[np.bool_]:
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


# ==============================================================================================
# prepared frames
# ==============================================================================================


def _objects(series: pd.Series) -> pd.Series:
    """The column as an object Series (missing = None), without pandas' string inference
    (which costs more than the rest of the preparation); categoricals via their codes."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = np.array([*series.cat.categories, None], dtype=object)
        values = categories[series.cat.codes.to_numpy()]
    else:
        values = series.to_numpy(dtype=object, na_value=None)
    return pd.Series(values, index=series.index, dtype=object)


def _memo(snapshot: PooledSnapshot, name: str, build: Any) -> Any:
    """Prepared frames are built once per snapshot and shared by every report."""
    if name not in snapshot.memo:
        snapshot.memo[name] = build(snapshot)
    return snapshot.memo[name]


def _answers(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Answers with ``x`` (float value, NaN for don't know / missing), ``point`` and ``period``.
    Built once per snapshot: callers must not modify it."""
    return _memo(snapshot, "answers", _answers_build)


def _answers_build(snapshot: PooledSnapshot) -> pd.DataFrame:
    a = snapshot.answers
    inst = snapshot.instrument
    item = _recoded(a["item_code"])
    pseudonym = _pseudonyms(snapshot).answers
    keep = item.isin(list(inst.item_point)).to_numpy()
    if not keep.all():
        a, pseudonym = a.loc[keep], pseudonym[keep]
        item = _recoded(item.loc[keep])
    x = (
        pd.to_numeric(a["value"], errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=np.float64, na_value=np.nan)
    )
    x = np.where(a["dont_know"].fillna(False).to_numpy(dtype=bool), np.nan, x)
    month = pd.to_datetime(a["period"])
    point = _recoded(item, lambda code: inst.item_point.get(str(code)))
    # grouping and filter keys as categoricals with sorted categories: groupby and comparisons
    # work on integer codes, and groups come out in the strings' order
    out = pd.DataFrame(
        {
            "association": _recoded(a["association"]).array,
            "response": a["response"].to_numpy(),
            "pseudonym": pseudonym,
            "form_code": _recoded(a["form_code"]).array,
            "occasion": _recoded(a["occasion"]).array,
            "respondent": _recoded(a["respondent"]).array,
            "instrument_version": _recoded(a["instrument_version"]).array,
            "gender": _recoded(a["gender"], _gender_label).array,
            "month": month.to_numpy(),
            "item_code": item.array,
            "x": x,
        },
    )
    out["point"] = point.astype(np.int64).to_numpy()
    out["period"] = _recoded(half_year(month)).array
    return out


@dataclass(frozen=True)
class _PseudonymCodes:
    """Pseudonyms as integer codes shared by the answers and the exits (-1 = none): matching
    and grouping on integers instead of 3·10⁶ strings. ``index`` holds the answers' distinct
    pseudonyms (code i = index[i]); exits whose pseudonym never answered get codes after it."""

    index: pd.Index
    answers: NDArray[np.int64]
    exits: NDArray[np.int64]


def _pseudonyms(snapshot: PooledSnapshot) -> _PseudonymCodes:
    return _memo(snapshot, "pseudonyms", _pseudonyms_build)


def _pseudonyms_build(snapshot: PooledSnapshot) -> _PseudonymCodes:
    # Codes follow the sorted pseudonyms whatever the input's dtype, so every grouping (and
    # every floating-point sum over groups) runs in the same order.
    column = snapshot.answers["pseudonym"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.asarray(column.cat.categories, dtype=object)
        order = np.argsort(categories, kind="stable")
        rank = np.empty(len(order) + 1, dtype=np.int64)
        rank[order], rank[-1] = np.arange(len(order)), -1  # code -1 (none) stays -1
        codes = rank[column.cat.codes.to_numpy()]
        index = pd.Index(categories[order], dtype=object)
    else:
        raw, uniques = pd.factorize(column.to_numpy(dtype=object, na_value=None), sort=True)
        codes, index = raw.astype(np.int64), pd.Index(np.asarray(uniques, dtype=object))
    outcomes = snapshot.outcomes
    if "pseudonym" not in outcomes or not len(outcomes):
        return _PseudonymCodes(index, codes, np.empty(0, dtype=np.int64))
    values = outcomes["pseudonym"].to_numpy(dtype=object, na_value=None)
    exits = index.get_indexer(values).astype(np.int64)
    unmatched = (exits < 0) & pd.notna(values)
    if unmatched.any():
        extra, _uniques = pd.factorize(values[unmatched])
        exits[unmatched] = len(index) + extra
    return _PseudonymCodes(index, codes, exits)


def _form_answers(snapshot: PooledSnapshot, form: str, keys: list[str]) -> pd.DataFrame:
    """One form's answers (response, item_code, x and ``keys``)."""
    return _answers_where(snapshot, "form_code", [form], ["response", "item_code", "x", *keys])


def _answers_where(
    snapshot: PooledSnapshot, column: str, values: Iterable[str], columns: list[str]
) -> pd.DataFrame:
    """``columns`` of the answers whose categorical ``column`` is one of ``values``, in frame
    order: taken by row index from a once-sorted order instead of a full-frame mask."""
    ans = _answers(snapshot)
    order, bounds = _memo(snapshot, f"rows_by_{column}", lambda s: _rows_by(s, column))
    parts = [order[slice(*bounds[v])] for v in values if v in bounds]
    idx = np.sort(np.concatenate(parts)) if parts else order[:0]
    return pd.DataFrame({c: ans[c].array.take(idx) for c in columns})


def _rows_by(
    snapshot: PooledSnapshot, column: str
) -> tuple[NDArray[np.int64], dict[str, tuple[int, int]]]:
    """The answers' row numbers sorted by a categorical or integer column (stably: frame order
    within a value) and each value's slice of them, keyed by the value as text."""
    column_values = _answers(snapshot)[column].array
    if isinstance(column_values, pd.Categorical):
        codes = np.asarray(column_values.codes)
        labels = list(column_values.categories)
    else:
        uniques, codes = np.unique(np.asarray(column_values), return_inverse=True)
        labels = list(uniques)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    ends = np.cumsum(counts) + int((codes < 0).sum())  # missing (-1) sorts first
    bounds = {str(c): (int(e - n), int(e)) for c, n, e in zip(labels, counts, ends, strict=True)}
    return order, bounds


def _gender_label(value: object) -> str:
    return str(value) if value in GENDERS else UNKNOWN_GENDER


def _recoded(series: pd.Series, label: Any = None) -> pd.Series:
    """The column as a categorical with sorted categories (only those that occur), each value
    passed through ``label`` first if given (``label(None)`` for missing values). Works on the
    distinct values, not per row."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.array
    else:
        cat = pd.Categorical(series.to_numpy(dtype=object, na_value=None))
    codes = np.asarray(cat.codes)
    values = [*cat.categories, None]  # code -1 (missing) is the last
    if label is not None:
        values = [label(v) for v in values]
    # which codes occur, by counting (no sort); -1 counted in the last slot
    counts = np.bincount(codes.astype(np.int64) % len(values), minlength=len(values))
    present = counts > 0
    kept = sorted({v for v, p in zip(values, present, strict=True) if p and v is not None}, key=str)
    position = {v: i for i, v in enumerate(kept)}
    recode = np.array([-1 if v is None else position.get(v, -1) for v in values], dtype=np.int64)
    # object categories: pandas would store str ones in Arrow, slow to take from row by row
    dtype = pd.CategoricalDtype(pd.Index(kept, dtype=object))
    if np.array_equal(recode, np.r_[np.arange(len(values) - 1), -1]):
        # already sorted, all present and unlabelled: same codes, no per-row work
        new = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    else:
        new = pd.Categorical.from_codes(recode[codes], dtype=dtype, validate=False)
    return pd.Series(new, index=series.index, name=series.name)


def _exits(snapshot: PooledSnapshot) -> pd.DataFrame:
    """Exits with an outcome: association, pseudonym, period, outcome (subsidised = work).
    Built once per snapshot: callers must not modify it."""
    return _memo(snapshot, "exits", _exits_build)


def _exits_build(snapshot: PooledSnapshot) -> pd.DataFrame:
    o = snapshot.outcomes
    outcome = _objects(o["exit_outcome"])
    subsidised = o["subsidised_work"].fillna(False).to_numpy(dtype=bool)
    outcome = outcome.where(~subsidised | outcome.isna() | (outcome == "still_in"), "work")
    month = pd.to_datetime(o["exit_month"])
    out = pd.DataFrame(
        {
            "association": _objects(o["association"]),
            "pseudonym": _pseudonyms(snapshot).exits,
            "outcome": pd.Series(outcome.to_numpy(dtype=object), dtype=object),
            "period": pd.Series(half_year(month).to_numpy(), dtype=object),
            "gender": pd.Series(
                _recoded(o["gender"], _gender_label).to_numpy(dtype=object), dtype=object
            ),
        },
    )
    return out[out["outcome"].isin(EXIT_OUTCOMES) & month.notna().to_numpy()].reset_index(drop=True)


# ==============================================================================================
# 1. reliability
# ==============================================================================================

_SCALE_KEYS = ("alpha_raw", "alpha_std", "ci_feldt_low", "ci_feldt_high", "omega_total",
               "omega_total_std", "average_r", "mean", "sd")  # fmt: skip
_ITEM_KEYS = ("n", "r_drop", "raw_r", "alpha_raw_if_dropped", "alpha_std_if_dropped", "mean", "sd")


def reliability_report(
    snapshot: PooledSnapshot, *, k: int = 5, n_boot: int = 0, seed: int = 0
) -> list[Json]:
    """Reliability per version x form (and x indicator with >= 2 items on the form), pooled and
    per association.

    Each row: ``instrument_version``, ``form``, ``indicator`` (None for the whole form),
    ``items``, ``scope`` ("pooled" or the association code), ``n`` (questionnaires with at least
    one answer), ``n_pair_min``, ``alpha_raw``, ``alpha_std``, ``ci_feldt_low/high``,
    ``omega_total``, ``omega_total_std``, ``average_r``, ``mean``, ``sd`` (and
    ``ci_boot_low/high`` when ``n_boot`` > 0), ``item_stats`` (per item ``item``, ``n``,
    ``r_drop`` (item-rest r), ``raw_r``, ``alpha_raw_if_dropped``, ``alpha_std_if_dropped``,
    ``mean``, ``sd``), ``suppressed`` and ``reason``.
    """
    inst = snapshot.instrument
    cats = list(range(inst.scale_min, inst.scale_max + 1))
    rows: list[Json] = []
    for form, form_items in inst.form_items.items():
        fa = _form_answers(snapshot, form, ["instrument_version", "association"])
        if fa.empty:
            continue
        wide = wide_from_long(
            fa, questionnaire="response", item="item_code", value="x",
            keys=["instrument_version", "association"],
        )  # fmt: skip
        sets: list[tuple[int | None, list[str]]] = [(None, list(form_items))]
        by_ind: dict[int, list[str]] = {}
        for item in form_items:
            by_ind.setdefault(inst.item_indicator(item), []).append(item)
        sets += [(ind, items) for ind, items in by_ind.items() if len(items) >= 2]
        for indicator, items in sets:
            rows += _reliability_set(wide, form, indicator, items, k, cats, n_boot, seed)
    return _json(rows)


def _reliability_set(
    wide: pd.DataFrame,
    form: str,
    indicator: int | None,
    items: list[str],
    k: int,
    cats: list[int],
    n_boot: int,
    seed: int,
) -> list[Json]:
    for item in items:
        if item not in wide.columns:
            wide = wide.assign(**{item: np.nan})
    # items present per version (a version may lack an item); one call per distinct item set
    present = wide.groupby("instrument_version")[items].count() > 0
    out: list[Json] = []
    for used, versions in _group_versions(present):
        sub = wide[wide["instrument_version"].isin(versions)]
        if len(used) < 2:
            continue
        out += _reliability_call(sub, form, indicator, list(used), k, cats, n_boot, seed)
    return out


def _group_versions(present: pd.DataFrame) -> list[tuple[tuple[str, ...], list[str]]]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for version, row in present.iterrows():
        used = tuple(str(c) for c in present.columns[row.to_numpy(dtype=bool)])
        groups.setdefault(used, []).append(str(version))
    return list(groups.items())


def _reliability_call(
    sub: pd.DataFrame,
    form: str,
    indicator: int | None,
    items: list[str],
    k: int,
    cats: list[int],
    n_boot: int,
    seed: int,
) -> list[Json]:
    sub = sub[sub[items].notna().any(axis=1).to_numpy()]
    keys = ["instrument_version", "scope"]
    # per association and pooled, each from its own grouped call (no stacked copy of the data)
    by_assoc = sub.groupby(["instrument_version", "association"], sort=True, observed=True)
    group_of_row = by_assoc.ngroup().to_numpy()
    n_assoc = by_assoc.size()
    n_pooled = sub.groupby("instrument_version", sort=True, observed=True).size()
    # complementary suppression of association n against the pooled n, per version
    reasons: dict[tuple[str, str], str | None] = {}
    n_used: dict[tuple[str, str], int] = {}
    for version, pooled_n in n_pooled.items():
        assoc = n_assoc.loc[[version]] if version in n_assoc.index.get_level_values(0) else None
        if assoc is not None:
            masks = _line_mask(assoc.to_numpy(), k)
            for (_, a), n, why in zip(assoc.index, assoc.to_numpy(), masks, strict=True):
                reasons[(str(version), str(a))] = why
                n_used[(str(version), str(a))] = int(n)
        reasons[(str(version), POOLED)] = N_BELOW_K if pooled_n < k else None
        n_used[(str(version), POOLED)] = int(pooled_n)
    n_used = dict(sorted(n_used.items()))  # the order of (version, scope) as text
    minimum = max(k, len(items) + 1)

    def eligible(key: tuple[str, str]) -> bool:
        return reasons[key] is None and n_used[key] >= minimum

    ok_groups = [i for i, (v, a) in enumerate(n_assoc.index) if eligible((str(v), str(a)))]
    ok_versions = [v for v in n_pooled.index if eligible((str(v), POOLED))]
    parts = []
    with _quiet():
        if ok_groups:
            res = reliability_grouped(
                sub[np.isin(group_of_row, ok_groups)], items=items,
                by=["instrument_version", "association"], categories=cats, n_boot=n_boot,
                seed=seed,
            )  # fmt: skip
            parts.append(
                tuple(f.rename(columns={"association": "scope"}) for f in (res.scales, res.items))
            )
        if ok_versions:
            res = reliability_grouped(
                sub[sub["instrument_version"].isin(ok_versions).to_numpy()], items=items,
                by=["instrument_version"], categories=cats, n_boot=n_boot, seed=seed,
            )  # fmt: skip
            parts.append(tuple(f.assign(scope=POOLED) for f in (res.scales, res.items)))
    result_scales = pd.DataFrame()
    item_records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if parts:
        scales = pd.concat([p[0] for p in parts], ignore_index=True)
        scales = scales.astype({key: object for key in keys})
        result_scales = scales.set_index(keys)
        for frame in (p[1] for p in parts):
            for record in _records(frame):  # one pass, grouped in Python
                group = (str(record["instrument_version"]), str(record["scope"]))
                item_records.setdefault(group, []).append(record)
    out: list[Json] = []
    for key, n in n_used.items():
        version, scope = key
        base: Json = {
            "instrument_version": version,
            "form": form,
            "indicator": indicator,
            "items": list(items),
            "scope": scope,
            "n": int(n),
            "n_pair_min": None,
            **{name: None for name in _SCALE_KEYS},
        }
        if n_boot > 0:
            base["ci_boot_low"] = None
            base["ci_boot_high"] = None
        base["item_stats"] = []
        keep = ("instrument_version", "form", "indicator", "items", "scope")
        why = reasons[key]
        if why is not None:
            out.append(_suppressed_copy(base, keep, why))
            continue
        if n < minimum:
            out.append(_suppressed_copy(base, (*keep, "n"), "too_few_for_items"))
            continue
        srow = result_scales.loc[key]
        base["n_pair_min"] = int(srow["n_pair_min"])
        if base["n_pair_min"] < k:
            out.append(_suppressed_copy(base, (*keep, "n"), "pair_n_below_k"))
            continue
        for name in _SCALE_KEYS:
            base[name] = _num(srow[name])
        if n_boot > 0:
            base["ci_boot_low"] = _num(srow.get("ci_boot_low"))
            base["ci_boot_high"] = _num(srow.get("ci_boot_high"))
        base["item_stats"] = [
            {"item": r["item"], **{name: _num(r[name]) for name in _ITEM_KEYS}, "n": int(r["n"])}
            for r in item_records.get(key, [])
        ]
        base["suppressed"] = False
        base["reason"] = None
        out.append(base)
    return out


# ==============================================================================================
# targets and the shared benchmark core
# ==============================================================================================


@dataclass(frozen=True)
class _Target:
    index: int
    point: int
    kind: str
    category: int | None
    percent: float | None
    mean: float | None
    outcomes: tuple[str, ...]

    @property
    def level(self) -> float:
        return float(self.percent or 0.0) / 100.0

    def describe(self) -> Json:
        return {
            "target_index": self.index,
            "point": self.point,
            "kind": self.kind,
            "category": self.category,
            "target_level": self.level if self.kind in FUNNEL_KINDS else None,
            "target_mean": self.mean,
            "outcomes": list(self.outcomes),
        }


_TARGET_KEYS = ("target_index", "point", "kind", "category", "target_level", "target_mean",
                "outcomes")  # fmt: skip


def _targets(
    targets: Sequence[Mapping[str, Any]], inst: InstrumentMap
) -> tuple[list[_Target], list[Json]]:
    """Supported targets and the skipped ones with a reason."""
    out: list[_Target] = []
    skipped: list[Json] = []
    for i, t in enumerate(targets):
        kind = str(t.get("kind"))
        point = int(t["point"])
        cat = t.get("category")
        pct = _num(t.get("percent"))
        mean = _num(t.get("mean"))
        outcomes = tuple(str(o) for o in (t.get("outcomes") or ()))
        why = None
        if kind == "good_example":
            why = "good_example"
        elif kind in SURVEY_KINDS:
            if not inst.point_items(point):
                why = "point_has_no_items"
            elif (kind == "share_at_least" and (cat is None or pct is None)) or (
                kind == "mean_at_least" and mean is None
            ):
                why = "incomplete_rule"
        elif kind == "register_share":
            if point != REGISTER_POINT:
                why = "register_share_only_on_point_20"
            elif pct is None or not outcomes or not set(outcomes) <= set(EXIT_OUTCOMES):
                why = "incomplete_rule"
        else:
            why = "unknown_kind"
        if why is not None:
            skipped.append({"target_index": i, "point": point, "kind": kind, "reason": why})
            continue
        out.append(
            _Target(index=i, point=point, kind=kind,
                    category=None if cat is None else int(cat), percent=pct, mean=mean,
                    outcomes=outcomes)
        )  # fmt: skip
    return out, skipped


@dataclass(frozen=True)
class _TargetData:
    """Rows a target is computed on: association, period, gender and ``value`` (float, NaN =
    not an answer) with the rule ``value >= at_least`` (share kinds) or the mean (mean kind)."""

    target: _Target
    rows: pd.DataFrame
    at_least: float | None


@dataclass(frozen=True)
class _Core:
    targets: list[_Target]
    skipped: list[Json]
    data: dict[int, _TargetData]
    reasons: dict[tuple[str, int, str], str | None]  # (association, point, period)
    cells: dict[int, pd.DataFrame]
    national: dict[int, pd.DataFrame]
    exits: pd.DataFrame
    # funnels per (target index, period), shared by the benchmark report and the associations
    funnels: dict[tuple[int, str], Json] = field(default_factory=dict, compare=False)


def _core(snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], k: int) -> _Core:
    """Cells, national lines and masks for the targets; built once per snapshot, targets and
    k (the benchmark report and the associations' results share it)."""
    key = "core:" + json.dumps([k, list(targets)], sort_keys=True, default=str)
    return _memo(snapshot, key, lambda snap: _core_build(snap, targets, k))


def _core_build(snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], k: int) -> _Core:
    inst = snapshot.instrument
    tlist, skipped = _targets(targets, inst)
    ans = _answers(snapshot)
    exits = _exits(snapshot)

    # n per association x point x period (answers with a value) and the suppression masks
    n_survey = ans.groupby(["point", "period", "association"], sort=True)["x"].count()
    n_register = exits.groupby(["period", "association"], sort=True).size()
    n_register.index = pd.MultiIndex.from_tuples(
        [(REGISTER_POINT, p, a) for p, a in n_register.index], names=["point", "period", "a"]
    )
    reasons: dict[tuple[str, int, str], str | None] = {}
    for n_all in (n_survey, n_register):
        for (point, period), line in n_all.groupby(level=[0, 1], sort=True):
            for (_, _, assoc), why in zip(line.index, _line_mask(line.to_numpy(), k), strict=True):
                reasons[(str(assoc), int(point), str(period))] = why

    data: dict[int, _TargetData] = {}
    cells: dict[int, pd.DataFrame] = {}
    national: dict[int, pd.DataFrame] = {}
    by_point: dict[int, pd.DataFrame] = {}
    for t in tlist:
        if t.kind == "register_share":
            rows = exits.assign(value=exits["outcome"].isin(t.outcomes).astype(np.float64))
            td = _TargetData(t, rows[["association", "period", "gender", "value"]], 1.0)
        else:
            if t.point not in by_point:
                # the point's rows, taking only the four columns needed
                rows = _answers_where(snapshot, "point", [str(t.point)],
                                      ["association", "period", "gender", "x"])  # fmt: skip
                by_point[t.point] = rows.rename(columns={"x": "value"})
            cat = t.category if t.kind == "share_at_least" else None
            at_least = None if cat is None else float(cat)
            td = _TargetData(t, by_point[t.point], at_least)
        data[t.index] = td
        cells[t.index] = _unit_stats(td, ["association", "period"], k)
        national[t.index] = _unit_stats(td, ["period"], k)
    return _Core(tlist, skipped, data, reasons, cells, national, exits)


def _unit_stats(td: _TargetData, by: list[str], k: int) -> pd.DataFrame:
    """Per unit: share statistics via :func:`stats.target_shares`, or mean with a t CI."""
    t = td.target
    if td.rows.empty:
        return pd.DataFrame(columns=[*by, "n"])
    if t.kind != "mean_at_least":
        return target_shares(
            td.rows, value="value", by=by, target=t.level, at_least=td.at_least, min_n=k
        )
    g = td.rows.groupby(by, sort=True)["value"].agg(["count", "mean", "std"]).reset_index()
    g = g.rename(columns={"count": "n", "std": "sd"})
    n = g["n"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(0.975, n - 1) * g["sd"].to_numpy() / np.sqrt(n)
    g["ci_low"] = g["mean"] - half
    g["ci_high"] = g["mean"] + half
    target = float(t.mean or 0.0)
    g["signal"] = np.where(n < k, "grey", np.where(g["mean"] >= target, "green", "red"))
    clearly = np.where(g["ci_low"] > target, "above", np.where(g["ci_high"] < target, "below", ""))
    g["clearly"] = np.where(n >= k, clearly, "")
    g["n"] = g["n"].astype(np.int64)
    return g


_SHARE_KEYS = ("successes", "share", "wilson_low", "wilson_high", "exact_low", "exact_high")
_MEAN_KEYS = ("mean", "sd", "ci_low", "ci_high")


def _stat_entry(
    t: _Target, row: Mapping[str, Any], why: str | None, keep: Sequence[str], k: int
) -> Json:
    """One published (or suppressed) statistics entry from a :func:`_unit_stats` row."""
    entry: Json = {**t.describe(), **{key: row[key] for key in keep}, "n": int(row["n"])}
    stat_keys = _MEAN_KEYS if t.kind == "mean_at_least" else _SHARE_KEYS
    for key in stat_keys:
        entry[key] = row[key] if key != "successes" else int(row[key])
    entry["signal"] = str(row["signal"])
    entry["clearly_above"] = row["clearly"] == "above"
    entry["clearly_below"] = row["clearly"] == "below"
    if int(row["n"]) < k and why is None:
        why = N_BELOW_K
    if why is not None:
        return _suppressed_copy(entry, (*_TARGET_KEYS, *keep), why)
    entry["suppressed"] = False
    entry["reason"] = None
    return entry


def _point_reason(core: _Core, assoc: str, t: _Target, period: str) -> str | None:
    return core.reasons.get((assoc, t.point, period), N_BELOW_K)


# ==============================================================================================
# 2. benchmarking
# ==============================================================================================


def benchmark_report(
    snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], *, k: int = 5
) -> Json:
    """Cells, national shares, funnels and changes for the national targets.

    Returns ``{"k", "cells", "national", "funnels", "changes", "skipped_targets"}``:

    * ``cells``: per target x association x half-year: the target fields (``target_index``,
      ``point``, ``kind``, ``category``, ``target_level``, ``target_mean``, ``outcomes``),
      ``association``, ``period``, ``n``; share kinds ``successes``, ``share``,
      ``wilson_low/high``, ``exact_low/high``; mean kind ``mean``, ``sd``, ``ci_low/high``;
      ``signal`` (green/red/grey), ``clearly_above``, ``clearly_below``, ``suppressed``,
      ``reason``.
    * ``national``: the same per target x half-year over all associations.
    * ``funnels``: per share/register target x half-year: ``target_level``, ``national_share``,
      ``limits_target`` and ``limits_national`` (lists of ``{"n", "low_95", "high_95",
      "low_99.8", "high_99.8"}`` over an n grid; the national line adds ``*_phi``/``*_tau``
      limits when overdispersion could be estimated), ``overdispersion`` (``units``, ``p0``,
      ``phi``, ``p_value``, ``df``, ``tau2``, ``overdispersed``, ``suppressed``) and ``points``
      (per association ``n``, ``share``, ``position_target``, ``position_national``).
    * ``changes``: per share/register target x association: the two latest half-years with
      data, ``n``/``successes``/``share`` ``_before``/``_after``, ``change`` and Newcombe's
      ``change_low/high``.
    """
    core = _core(snapshot, targets, k)
    cells: list[Json] = []
    national: list[Json] = []
    funnels: list[Json] = []
    changes: list[Json] = []
    for t in core.targets:
        for row in _records(core.cells[t.index]):
            why = _point_reason(core, row["association"], t, row["period"])
            cells.append(_stat_entry(t, row, why, ("association", "period"), k))
        for row in _records(core.national[t.index]):
            national.append(_stat_entry(t, row, None, ("period",), k))
        if t.kind in FUNNEL_KINDS:
            funnels += [_funnel(core, t, period, k) for period in _periods(core, t)]
            changes += _changes(core, t)
    return _json(
        {"k": k, "cells": cells, "national": national, "funnels": funnels, "changes": changes,
         "skipped_targets": core.skipped}
    )  # fmt: skip


def _periods(core: _Core, t: _Target) -> list[str]:
    nat = core.national[t.index]
    return sorted(str(p) for p in nat["period"]) if len(nat) else []


def _n_grid(n_max: float, k: int) -> NDArray[np.float64]:
    top = max(2.0 * k, 1.1 * n_max, 20.0)
    return np.unique(np.round(np.geomspace(max(k, 1), top, 40)))


def _position(share: float, lim: Mapping[str, Any]) -> str:
    if share > lim["high_99.8"]:
        return "above_99.8"
    if share > lim["high_95"]:
        return "above_95"
    if share < lim["low_99.8"]:
        return "below_99.8"
    if share < lim["low_95"]:
        return "below_95"
    return "inside"


def _funnel(core: _Core, t: _Target, period: str, k: int) -> Json:
    """Funnel for one target and half-year (computed once per core; do not modify)."""
    key = (t.index, period)
    if key not in core.funnels:
        core.funnels[key] = _funnel_build(core, t, period, k)
    return core.funnels[key]


def _funnel_build(core: _Core, t: _Target, period: str, k: int) -> Json:
    """Funnel for one target and half-year: limit lines, overdispersion and unit points."""
    nat = core.national[t.index]
    nat_row = nat[nat["period"] == period].iloc[0]
    nat_n = int(nat_row["n"])
    p_nat = _num(nat_row["share"]) if nat_n >= k else None
    cells = core.cells[t.index]
    cells = cells[cells["period"] == period]
    why = [_point_reason(core, a, t, period) for a in cells["association"]]
    published = cells[[w is None and n > 0 for w, n in zip(why, cells["n"], strict=True)]]
    n_pub = published["n"].to_numpy(dtype=np.float64)
    y_pub = published["successes"].to_numpy(dtype=np.float64)
    grid = _n_grid(float(n_pub.max()) if n_pub.size else 0.0, k)
    od: Json = {"units": int(n_pub.size), "p0": None, "phi": None, "p_value": None, "df": None,
                "tau2": None, "overdispersed": None, "suppressed": True}  # fmt: skip
    phi = tau2 = None
    p0 = float(y_pub.sum() / n_pub.sum()) if n_pub.size else float("nan")
    if n_pub.size >= 3 and 0.0 < p0 < 1.0:
        res = overdispersion(y_pub, n_pub)
        phi, tau2 = res.phi, res.tau2
        od = {"units": int(n_pub.size), "p0": p0, "phi": res.phi, "p_value": res.p_value,
              "df": res.df, "tau2": res.tau2, "overdispersed": res.overdispersed,
              "suppressed": False}  # fmt: skip
    lim_target: list[Json] = []
    pos_t: dict[str, str] = {}
    if 0.0 < t.level < 1.0:
        lim_target, pos_t = _lines_and_positions(grid, published, t.level)
    lim_nat: list[Json] = []
    pos_n: dict[str, str] = {}
    if p_nat is not None and 0.0 < p_nat < 1.0:
        lim_nat, pos_n = _lines_and_positions(grid, published, p_nat, phi=phi, tau2=tau2)
    points: list[Json] = []
    for row, w in zip(_records(cells), why, strict=True):
        a = row["association"]
        entry = {"association": a, "n": int(row["n"]), "share": row["share"],
                 "position_target": pos_t.get(a), "position_national": pos_n.get(a)}  # fmt: skip
        if w is None and entry["n"] > 0:
            points.append({**entry, "suppressed": False, "reason": None})
        else:
            points.append(_suppressed_copy(entry, ("association",), w or N_BELOW_K))
    return {
        **t.describe(),
        "period": period,
        "national_n": nat_n if nat_n >= k else None,
        "national_share": p_nat,
        "limits_target": lim_target,
        "limits_national": lim_nat,
        "overdispersion": od,
        "points": points,
    }


def _lines_and_positions(
    grid: NDArray[np.float64],
    units: pd.DataFrame,
    p0: float,
    phi: float | None = None,
    tau2: float | None = None,
) -> tuple[list[Json], dict[str, str]]:
    """Limit lines over the n grid and each unit's position, from one :func:`funnel_limits`
    call on the grid and the units' n together."""
    unit_n = units["n"].to_numpy(dtype=np.float64)
    table = _records(funnel_limits(np.concatenate([grid, unit_n]), p0, phi=phi, tau2=tau2))
    lines, at_units = table[: grid.size], table[grid.size :]
    positions = {
        str(a): _position(float(s), li)
        for a, s, li in zip(units["association"], units["share"], at_units, strict=True)
    }
    return lines, positions


def _change_table(cells: pd.DataFrame, before: str, after: str) -> pd.DataFrame:
    """:func:`stats.change_between_periods` from the cells' counts (n answers with a value,
    successes), which are exactly what it would count again from the answers: per association
    in either half-year (sorted), n/successes/share before and after, change and Newcombe's
    CI."""
    assoc = cells["association"].astype(str).to_numpy()
    period = cells["period"].astype(str).to_numpy()
    names = sorted(set(assoc[(period == before) | (period == after)]))
    position = {name: i for i, name in enumerate(names)}
    out: dict[str, Any] = {"association": names}
    for tag, which in (("before", before), ("after", after)):
        sel = period == which
        rows = np.array([position[a] for a in assoc[sel]], dtype=np.int64)
        for key in ("n", "successes"):
            column = np.full(len(names), np.nan)
            column[rows] = cells[key].to_numpy(dtype=np.float64)[sel]
            out[f"{key}_{tag}"] = column
    with np.errstate(invalid="ignore", divide="ignore"):
        for tag in ("before", "after"):
            out[f"share_{tag}"] = out[f"successes_{tag}"] / out[f"n_{tag}"]
    out["change"] = out["share_after"] - out["share_before"]
    out["change_low"], out["change_high"] = newcombe_diff_ci(
        out["successes_before"], out["n_before"], out["successes_after"], out["n_after"]
    )
    return pd.DataFrame(out)


def _changes(core: _Core, t: _Target) -> list[Json]:
    periods = _periods(core, t)
    if len(periods) < 2:
        return []
    before, after = periods[-2], periods[-1]
    ch = _change_table(core.cells[t.index], before, after)
    out: list[Json] = []
    for row in _records(ch):
        a = str(row["association"])
        entry: Json = {**t.describe(), "association": a, "before": before, "after": after}
        for tag in ("before", "after"):
            for key in ("n", "successes", "share"):
                entry[f"{key}_{tag}"] = _num(row[f"{key}_{tag}"])
        for key in ("change", "change_low", "change_high"):
            entry[key] = _num(row[key])
        w_b = _point_reason(core, a, t, before)
        w_a = _point_reason(core, a, t, after)
        nb, na = entry["n_before"], entry["n_after"]
        if nb is None or na is None or nb < 1 or na < 1:
            why: str | None = N_BELOW_K
        else:
            why = w_b or w_a
        if why is not None:
            out.append(_suppressed_copy(entry, (*_TARGET_KEYS, "association", "before", "after"),
                                        why))  # fmt: skip
        else:
            for tag in ("before", "after"):
                entry[f"n_{tag}"] = int(entry[f"n_{tag}"])
                entry[f"successes_{tag}"] = int(entry[f"successes_{tag}"])
            out.append({**entry, "suppressed": False, "reason": None})
    return out


# ==============================================================================================
# 3. validity
# ==============================================================================================

_CONVERGENT_KEYS = ("r", "r_low", "r_high", "spearman", "icc_agreement", "icc_agreement_low",
                    "icc_agreement_high", "icc_consistency", "icc_consistency_low",
                    "icc_consistency_high")  # fmt: skip
_KNOWN_KEYS = ("mean1", "mean2", "d", "g", "se", "low", "high")
_CFA_KEYS = ("chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_low", "rmsea_high", "srmr")


def validity_report(
    snapshot: PooledSnapshot,
    *,
    k: int = 5,
    cfa_min_n: int = 50,
    cfa_matrix: Literal["polychoric", "covariance"] = "polychoric",
) -> Json:
    """Convergent validity, known groups and one-factor CFA.

    Returns ``{"k", "convergent", "known_groups", "cfa"}``:

    * ``convergent``: per pair ("p5-p7", "p12-p12", "p14-p15") pooled and per association:
      ``pair``, ``participant_item``, ``staff_item``, ``scope``, ``n`` (matched pairs), Pearson
      ``r`` with ``r_low/high``, ``spearman``, ``icc_agreement`` (ICC(A,1)) and
      ``icc_consistency`` (ICC(C,1)) with CIs.
    * ``known_groups``: per indicator on the participant exit form (``indicator`` None = all
      exit items): ``n``, ``n1`` (work/studies), ``n2`` (dropped_out), ``mean1``, ``mean2``,
      ``d``, ``g`` (Hedges), ``se``, ``low``, ``high``.
    * ``cfa``: per instrument version x form with >= 3 items: ``matrix``, ``n``, ``chi2``,
      ``df``, ``p_value``, ``cfi``, ``tli``, ``rmsea`` (+ 90 % CI), ``srmr``, ``converged`` and
      ``loadings`` (per item ``loading``, ``standardised``).
    """
    ans = _answers(snapshot)
    return _json(
        {
            "k": k,
            "convergent": _convergent_report(snapshot, k),
            "known_groups": _known_groups_report(snapshot, ans, k),
            "cfa": _cfa_report(snapshot, k, cfa_min_n, cfa_matrix),
        }
    )


def _month_number(month: pd.Series) -> NDArray[np.int64]:
    ts = pd.to_datetime(month)
    return (ts.dt.year * 12 + ts.dt.month - 1).to_numpy(dtype=np.int64)


def _side(ans: pd.DataFrame, item: str, respondent: str, occasion: str | None) -> pd.DataFrame:
    sel = (ans["item_code"] == item) & (ans["respondent"] == respondent)
    sel &= (ans["pseudonym"] >= 0) & ans["x"].notna()
    if occasion is not None:
        sel &= ans["occasion"] == occasion
    side = ans.loc[sel, ["association", "pseudonym", "response", "month", "x"]]
    return side.assign(m=_month_number(side["month"])).drop(columns="month")


def convergent_pairs(
    ans: pd.DataFrame, a_item: str, a_occasion: str | None, b_item: str, b_occasion: str | None
) -> pd.DataFrame:
    """Participant answers (a) matched to staff ratings (b) of the same participant: same
    association and pseudonym, same month or else nearest within +-1 month (ties: earlier);
    each staff rating used once (closest first). Columns association, pseudonym (the integer
    code of :func:`_pseudonyms`), a, b, dist."""
    a = _side(ans, a_item, "participant", a_occasion).sort_values("m", kind="stable")
    b = _side(ans, b_item, "staff", b_occasion).sort_values("m", kind="stable")
    b = b.rename(columns={"response": "b_response", "x": "b"}).assign(b_m=b["m"])
    a = a.rename(columns={"x": "a"})
    if a.empty or b.empty:
        return pd.DataFrame(columns=["association", "pseudonym", "a", "b", "dist"])
    merged = pd.merge_asof(
        a, b, on="m", by=["association", "pseudonym"], tolerance=1, direction="nearest"
    )
    merged = merged[merged["b_response"].notna()]
    merged = merged.assign(dist=(merged["m"] - merged["b_m"]).abs())
    merged = merged.sort_values(["dist", "m"], kind="stable").drop_duplicates("b_response")
    return merged[["association", "pseudonym", "a", "b", "dist"]].reset_index(drop=True)


def _convergent_entry(
    base: Json, n: int, res: Mapping[str, Any] | None, why: str | None, k: int, keep: Sequence[str]
) -> Json:
    """One scope's entry from its row of :func:`stats.convergent_grouped` (``res``)."""
    entry: Json = {**base, "n": n, **{key: None for key in _CONVERGENT_KEYS}}
    if why is None and n < max(k, 4):
        why = N_BELOW_K if n < k else "too_few_pairs"
    if why is not None or res is None:
        return _suppressed_copy(entry, keep, why or "not_estimable")
    for key in _CONVERGENT_KEYS:
        entry[key] = _num(res[key])
    return {**entry, "suppressed": False, "reason": None}


def _convergent_report(snapshot: PooledSnapshot, k: int) -> list[Json]:
    out: list[Json] = []
    # only the paired items' rows matter
    items = {item for _, a_item, _, b_item, _ in CONVERGENT_PAIRS for item in (a_item, b_item)}
    columns = ["association", "pseudonym", "response", "month", "x", "item_code", "respondent",
               "occasion"]  # fmt: skip
    ans = _answers_where(snapshot, "item_code", sorted(items), columns)
    ans = ans[((ans["pseudonym"] >= 0) & ans["x"].notna()).to_numpy()]
    for name, a_item, a_occ, b_item, b_occ in CONVERGENT_PAIRS:
        pairs = convergent_pairs(ans, a_item, a_occ, b_item, b_occ)
        base = {"pair": name, "participant_item": a_item, "staff_item": b_item}
        keep = (*base, "scope")
        a, b = pairs["a"].to_numpy(float), pairs["b"].to_numpy(float)
        with _quiet():
            pooled = convergent_grouped(a, b, np.zeros(len(pairs), dtype=np.int64))
            by_assoc = convergent_grouped(a, b, _objects(pairs["association"]).to_numpy())
        res = _records(pooled)[0] if len(pooled) else None
        why = N_BELOW_K if len(pairs) < k else None
        out.append(_convergent_entry({**base, "scope": POOLED}, len(pairs), res, why, k, keep))
        rows = {str(r["group"]): r for r in _records(by_assoc)}
        sizes = pairs.groupby("association", sort=True).size()
        for assoc, n, w in zip(sizes.index, sizes, _line_mask(sizes.to_numpy(), k), strict=True):
            scope = {**base, "scope": str(assoc)}
            out.append(_convergent_entry(scope, int(n), rows.get(str(assoc)), w, k, keep))
    return out


def _known_groups_report(snapshot: PooledSnapshot, ans: pd.DataFrame, k: int) -> list[Json]:
    inst = snapshot.instrument
    ex = ans[(ans["respondent"] == "participant") & (ans["occasion"] == "exit")]
    ex = ex[ex["pseudonym"] >= 0]
    ex = ex.assign(indicator=ex["item_code"].map(inst.item_indicator))
    exits = _exits(snapshot)[["association", "pseudonym", "outcome"]].drop_duplicates(
        ["association", "pseudonym"]
    )
    indicators = sorted(int(i) for i in ex["indicator"].unique())
    out: list[Json] = []
    for ind in [None, *indicators]:
        sub = ex if ind is None else ex[ex["indicator"] == ind]
        items = [i for i in dict.fromkeys(sub["item_code"])]
        per_q = sub.groupby(["association", "pseudonym", "response"], sort=False)["x"].mean()
        score = per_q.groupby(level=[0, 1]).mean().rename("score").reset_index()
        score = score.merge(exits, on=["association", "pseudonym"], how="inner")
        score = score[score["score"].notna()]
        g1 = score.loc[score["outcome"].isin(KNOWN_GROUP_1), "score"].to_numpy(float)
        g2 = score.loc[score["outcome"].isin(KNOWN_GROUP_2), "score"].to_numpy(float)
        entry: Json = {"indicator": ind, "items": items, "group1": list(KNOWN_GROUP_1),
                       "group2": list(KNOWN_GROUP_2), "n": int(g1.size + g2.size),
                       "n1": int(g1.size), "n2": int(g2.size),
                       **{key: None for key in _KNOWN_KEYS}}  # fmt: skip
        keep = ("indicator", "items", "group1", "group2")
        why: str | None = None
        if min(g1.size, g2.size) < max(k, 2):
            why = N_BELOW_K
        else:
            try:
                with _quiet():
                    res = known_groups(g1, g2)
                for key in _KNOWN_KEYS:
                    entry[key] = _num(getattr(res, key))
            except (ValueError, ZeroDivisionError, FloatingPointError):
                why = "not_estimable"
        if why is not None:
            out.append(_suppressed_copy(entry, keep, why))
        else:
            out.append({**entry, "suppressed": False, "reason": None})
    return out


def _cfa_report(snapshot: PooledSnapshot, k: int, min_n: int, matrix: str) -> list[Json]:
    inst = snapshot.instrument
    out: list[Json] = []
    for form, form_items in inst.form_items.items():
        if len(form_items) < 3:
            continue
        fa = _form_answers(snapshot, form, ["instrument_version"])
        if fa.empty:
            continue
        wide = wide_from_long(fa, questionnaire="response", item="item_code", value="x",
                              keys=["instrument_version"])  # fmt: skip
        for version, grp in wide.groupby("instrument_version", sort=True):
            items = [i for i in form_items if i in grp.columns and grp[i].notna().any()]
            if len(items) < 3:
                continue
            out.append(_cfa_entry(str(version), form, items, grp[items], k, min_n, matrix))
    return out


def _cfa_entry(
    version: str, form: str, items: list[str], x: pd.DataFrame, k: int, min_n: int, matrix: str
) -> Json:
    entry: Json = {"instrument_version": version, "form": form, "items": items,
                   "matrix": matrix, "n": None, **{key: None for key in _CFA_KEYS},
                   "converged": None, "loadings": []}  # fmt: skip
    keep = ("instrument_version", "form", "items", "matrix")
    present = x.notna().to_numpy(dtype=np.float64)
    pair_n = present.T @ present
    n = int(pair_n.min())
    entry["n"] = n
    if n < k:
        return _suppressed_copy(entry, keep, N_BELOW_K)
    if n < min_n:
        return _suppressed_copy(entry, (*keep, "n"), "n_below_cfa_minimum")
    try:
        with _quiet():
            if matrix == "polychoric":
                s = polychoric(x.to_numpy(dtype=np.float64), missing="pairwise").matrix
            else:
                s = x.cov(min_periods=2).to_numpy(dtype=np.float64)
            if not np.isfinite(s).all() or np.linalg.eigvalsh(s).min() <= 1e-8:
                return _suppressed_copy(entry, (*keep, "n"), "not_positive_definite")
            fit = cfa_one_factor(s, n)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return _suppressed_copy(entry, (*keep, "n"), "not_estimable")
    for key in _CFA_KEYS:
        entry[key] = _num(getattr(fit, key))
    entry["converged"] = bool(fit.converged)
    entry["loadings"] = [
        {"item": item, "loading": _num(lo), "standardised": _num(st)}
        for item, lo, st in zip(items, fit.loadings, fit.standardised_loadings, strict=True)
    ]
    return {**entry, "suppressed": False, "reason": None}


# ==============================================================================================
# 4. one association's results
# ==============================================================================================


def association_results(
    snapshot: PooledSnapshot,
    association: str,
    targets: Sequence[Mapping[str, Any]],
    *,
    k: int = 5,
) -> Json:
    """One association's results against the targets, for its social accounting report.

    Returns ``{"association", "k", "results", "flow", "funnels", "skipped_targets"}``:

    * ``results``: per target x half-year with data: the target fields, ``period``, ``n``, the
      statistics of :func:`benchmark_report`'s cells, ``text`` ("75 % (18/24)"; for means
      "3,8 (n = 24)"), ``signal`` and ``by_gender`` (per gender woman/man/other/undisclosed/
      unknown: ``n``, ``successes``, ``share`` or ``mean``, ``text``, ``suppressed``).
    * ``flow``: per half-year, exits by outcome x gender with margins: ``rows`` (outcomes +
      "total"), ``columns`` (genders + "total"), ``counts`` (list of rows, None = suppressed).
    * ``funnels``: per share/register target x half-year: the national lines and overdispersion
      of :func:`benchmark_report`'s funnel, and ``own``: this association's ``n``, ``share`` and
      positions (never another association's point or code).
    The suppression masks are the national ones (module docstring).
    """
    core = _core(snapshot, targets, k)
    return _association_results(core, str(association), k, _Shared(core, k))


def association_results_all(
    snapshot: PooledSnapshot, targets: Sequence[Mapping[str, Any]], *, k: int = 5
) -> dict[str, Json]:
    """:func:`association_results` for every association, sharing one computation of the
    national cells, masks and funnels (what publication stores), without the funnels' national
    lines (:func:`without_funnel_lines`)."""
    core = _core(snapshot, targets, k)
    shared = _Shared(core, k)
    associations = sorted(str(a) for a in _answers(snapshot)["association"].unique())
    return {a: _association_results(core, a, k, shared, lines=False) for a in associations}


class _Shared:
    """What every association's results share, computed once and looked up by association:
    each target's cells, per-gender statistics, funnels and the exits by association."""

    def __init__(self, core: _Core, k: int) -> None:
        self.core = core
        self.k = k
        self.cells: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for t in core.targets:
            by_assoc: dict[str, list[dict[str, Any]]] = {}
            for row in _records(core.cells[t.index]) if len(core.cells[t.index]) else []:
                by_assoc.setdefault(str(row["association"]), []).append(row)
            self.cells[t.index] = by_assoc
        self._genders: dict[int, dict[tuple[str, str], list[dict[str, Any] | None]]] = {}
        self.funnels: dict[tuple[int, str], tuple[Json, dict[str, Json]]] = {}
        self.exits: dict[str, pd.DataFrame] = {
            str(a): grp for a, grp in core.exits.groupby("association", sort=False)
        }

    def genders(self, t: _Target) -> dict[tuple[str, str], list[dict[str, Any] | None]]:
        """A target's statistics per (association, period): one record per gender row
        (None where nobody of that gender answered), from one grouped call."""
        if t.index not in self._genders:
            table = _unit_stats(self.core.data[t.index], ["association", "period", "gender"],
                                self.k)  # fmt: skip
            out: dict[tuple[str, str], list[dict[str, Any] | None]] = {}
            position = {g: i for i, g in enumerate(GENDER_ROWS)}
            for row in _records(table) if len(table) else []:
                key = (str(row["association"]), str(row["period"]))
                slots = out.setdefault(key, [None] * len(GENDER_ROWS))
                slots[position[str(row["gender"])]] = row
            self._genders[t.index] = out
        return self._genders[t.index]


def _association_results(
    core: _Core, assoc: str, k: int, shared: _Shared, *, lines: bool = True
) -> Json:
    flows, reg_genders = _flows(core, assoc, k, shared.exits.get(assoc))
    results: list[Json] = []
    funnels: list[Json] = []
    for t in core.targets:
        for row in shared.cells[t.index].get(assoc, []):
            period = str(row["period"])
            entry = _stat_entry(t, row, _point_reason(core, assoc, t, period), ("period",), k)
            entry["text"] = None
            entry["by_gender"] = []
            if not entry["suppressed"]:
                entry["text"] = _text(t, entry)
                entry["by_gender"] = _by_gender(shared, t, assoc, period, k, reg_genders)
            results.append(entry)
            if t.kind in FUNNEL_KINDS:
                funnel = _own_funnel(core, t, period, assoc, k, shared.funnels)
                if not lines:
                    funnel = {key: v for key, v in funnel.items() if key not in FUNNEL_LINES}
                funnels.append(funnel)
    return _json(
        {"association": assoc, "k": k, "results": results, "flow": flows, "funnels": funnels,
         "skipped_targets": core.skipped}
    )  # fmt: skip


def _text(t: _Target, entry: Mapping[str, Any]) -> str | None:
    if entry["n"] is None or entry["n"] < 1:
        return None
    if t.kind == "mean_at_least":
        return None if _num(entry["mean"]) is None else mean_text(entry["mean"], entry["n"])
    return share_text(int(entry["successes"]), int(entry["n"]))


def _by_gender(
    shared: _Shared,
    t: _Target,
    assoc: str,
    period: str,
    k: int,
    reg_genders: Mapping[str, NDArray[np.bool_]],
) -> list[Json]:
    """Gender rows of one published cell; the cell's total is published, so the genders are
    suppressed as a line with that total (register: as decided by the flow table)."""
    slots = shared.genders(t).get((assoc, period))
    if slots is None or all(
        rec is None for gender, rec in zip(GENDER_ROWS, slots, strict=True)
        if gender != UNKNOWN_GENDER
    ):  # fmt: skip
        return []  # staff, board, manager and partner forms carry no gender
    n = np.array([0 if rec is None else int(rec["n"]) for rec in slots], dtype=np.int64)
    if t.kind == "register_share":
        published = reg_genders.get(period, np.zeros(len(GENDER_ROWS), dtype=bool))
        reasons: list[str | None] = [None if p else COMPLEMENTARY for p in published]
        reasons = [N_BELOW_K if 0 < c < k else w for c, w in zip(n, reasons, strict=True)]
    else:
        reasons = _line_mask(n, k, zero_published=True)
    out: list[Json] = []
    stat_keys = _MEAN_KEYS if t.kind == "mean_at_least" else _SHARE_KEYS
    for gender, c, why, rec in zip(GENDER_ROWS, n, reasons, slots, strict=True):
        entry: Json = {"gender": gender, "n": int(c), **{key: None for key in stat_keys},
                       "signal": "grey", "text": None}  # fmt: skip
        if why is not None:
            out.append(_suppressed_copy(entry, ("gender",), why))
            continue
        if c > 0 and rec is not None:
            for key in stat_keys:
                entry[key] = int(rec[key]) if key == "successes" else rec[key]
            entry["signal"] = str(rec["signal"])
            entry["text"] = _text(t, entry)
        out.append({**entry, "suppressed": False, "reason": None})
    return out


def _own_funnel(
    core: _Core,
    t: _Target,
    period: str,
    assoc: str,
    k: int,
    cache: dict[tuple[int, str], tuple[Json, dict[str, Json]]],
) -> Json:
    """The national funnel's lines with only this association's point (``own``)."""
    key = (t.index, period)
    if key not in cache:
        computed = _funnel(core, t, period, k)
        points = {str(p["association"]): p for p in computed["points"]}
        cache[key] = ({name: v for name, v in computed.items() if name != "points"}, points)
    lines, points = cache[key]
    point = points.get(assoc) or _suppressed_copy({"n": None, "share": None}, (), N_BELOW_K)
    return {**lines, "own": {name: v for name, v in point.items() if name != "association"}}


FUNNEL_LINES = ("limits_target", "limits_national")


def without_funnel_lines(results: Json) -> Json:
    """An association's results with its funnels' national limit lines left out: they are the
    same for every association and stored once, in the benchmark report (see
    :func:`with_funnel_lines`); the lines were nine tenths of each stored payload."""
    funnels = [{k: v for k, v in f.items() if k not in FUNNEL_LINES} for f in results["funnels"]]
    return {**results, "funnels": funnels}


def with_funnel_lines(results: Json, benchmark_funnels: Sequence[Mapping[str, Any]]) -> Json:
    """Put the national limit lines back into a stored association's funnels, from the
    benchmark report's funnels of the same snapshot (matched on target and half-year)."""
    lines = {(f["target_index"], f["period"]): f for f in benchmark_funnels}
    funnels = []
    for f in results.get("funnels", []):
        national = lines.get((f["target_index"], f["period"]), {})
        funnels.append({**f, **{k: national.get(k, []) for k in FUNNEL_LINES}})
    return {**results, "funnels": funnels}


# --- exits by outcome x gender ----------------------------------------------------------------


def _flows(
    core: _Core, assoc: str, k: int, exits: pd.DataFrame | None = None
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
        mask = _protect_flow(x, sets, cell_published, force_total, k)
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


def _protect_flow(
    x: NDArray[np.int64],
    sets: list[NDArray[np.bool_]],
    cell_published: bool,
    force_total: bool,
    k: int,
) -> NDArray[np.bool_]:
    """Suppression mask (extended shape) of an exits table given what else is published.

    :func:`stats.suppress_table` first; the gender margins are then suppressed as a line with the
    grand total (:func:`_line_mask`, since the register share is broken down by gender), the
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
        col_why = _line_mask(x.sum(axis=0), k, zero_published=True)
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
    protect &= ~_determined(f, always)[:n_table].reshape(r + 1, c + 1)
    for _ in range(ext.size + 1):
        det = _determined(f, published(mask))[:n_table].reshape(r + 1, c + 1) & protect & mask
        if not det.any():
            break
        i, j = (int(v) for v in np.argwhere(det)[0])
        pick = _flow_complement(ext, mask, i, j, lambda m: _determined(f, published(m)))
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
