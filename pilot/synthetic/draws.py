"""Seeded random streams and the small array helpers every stage of the generator shares."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from pilot.synthetic.parameters import (
    _A_RANGE,
    _BASE_THRESHOLDS,
    _EPOCH,
    _LOCATION_SD,
    _OUTCOME_BETA,
    _OUTCOME_P,
    _OUTCOME_THETA_SD,
    _REMOTE_DONT_KNOW_FACTOR,
    _REMOTE_SHIFT,
    _STAY_GAMMA_SCALE,
    _STAY_MIN_DAYS,
    _THRESHOLD_JITTER_SD,
    REMOTE_ITEMS,
    BoolArray,
    FloatArray,
    IntArray,
)
from pilot.synthetic.specs import FormSpec, _Items


def _day(d: date) -> int:
    return (d - _EPOCH).days


def _tag(value: str | int) -> int:
    if isinstance(value, int):
        return value
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little")


def _rng(seed: int, *tags: str | int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *(_tag(t) for t in tags)]))


def _ordered_items(forms: Sequence[FormSpec]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for f in forms:
        for c in f.item_codes:
            seen.setdefault(c, None)
    return tuple(seen)


def _item_params(
    seed: int, codes: tuple[str, ...], dont_know_rate: float, item_missing_rate: float
) -> _Items:
    m = len(codes)
    a = np.empty(m)
    b = np.empty((m, 4))
    dk = np.empty(m)
    for i, code in enumerate(codes):  # per item, so an item's parameters never depend on others
        rng = _rng(seed, "item", code)
        remote = code in REMOTE_ITEMS
        a[i] = rng.uniform(*_A_RANGE)
        location = rng.normal(0.0, _LOCATION_SD) + (_REMOTE_SHIFT if remote else 0.0)
        b[i] = np.sort(location + _BASE_THRESHOLDS + rng.normal(0.0, _THRESHOLD_JITTER_SD, 4))
        dk[i] = min(
            dont_know_rate * (_REMOTE_DONT_KNOW_FACTOR if remote else 1.0),
            1.0 - item_missing_rate,
        )
    return _Items(codes=codes, index={c: i for i, c in enumerate(codes)}, a=a, b=b, dont_know=dk)


def _exit_probability(span: int, horizon: int) -> FloatArray:
    """P(stay ends by the window's end | outcome): start ~ U{0..span-1}, days left = horizon - s."""
    left = horizon - np.arange(span, dtype=np.float64) - _STAY_MIN_DAYS
    left = np.maximum(left, 0.0)[None, :] / _STAY_GAMMA_SCALE[:, None]
    cdf = 1.0 - np.exp(-left) * (1.0 + left)  # Gamma(2, scale) CDF
    return np.asarray(cdf.mean(axis=1))


@cache
def _outcome_intercepts(span: int, horizon: int) -> tuple[float, ...]:
    """Intercepts c_k of the outcome logit ``softmax(c + β θ)``, θ ~ N(0, 1.05²).

    Calibrated so that the shares among participants who exit within the window equal
    ``_OUTCOME_P`` (drop-outs have shorter stays, so more of them exit within the window).
    """
    exit_p = _exit_probability(span, horizon)
    target = _OUTCOME_P / exit_p if exit_p.min() > 1e-9 else _OUTCOME_P.copy()
    target /= target.sum()
    x, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / w.sum()
    theta = _OUTCOME_THETA_SD * x
    c = np.log(target)
    for _ in range(200):
        eta = c[None, :] + theta[:, None] * _OUTCOME_BETA[None, :]
        p = np.exp(eta - eta.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        c = c + np.log(target / (w @ p))
        c -= c[-1]
    return tuple(float(v) for v in c)


def _outcome_draw(
    rng: np.random.Generator, theta: FloatArray, intercepts: tuple[float, ...]
) -> IntArray:
    """Multinomial logit draw via the Gumbel-max trick."""
    c = np.asarray(intercepts)
    eta = c[None, :] + theta[:, None] * _OUTCOME_BETA[None, :]
    return np.argmax(eta + rng.gumbel(size=eta.shape), axis=1).astype(np.int64)


def _categorical(codes: npt.ArrayLike, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(
        np.asarray(codes), categories=pd.Index(list(categories)), validate=False
    )


def _dates(days: IntArray, missing: BoolArray | None = None) -> npt.NDArray[np.datetime64]:
    out = days.astype("datetime64[D]").astype("datetime64[s]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


def _expand(counts: IntArray) -> tuple[IntArray, IntArray]:
    """Row index and 0-based position within the row for ``counts[i]`` copies of each row."""
    rows = np.repeat(np.arange(counts.size), counts)
    pos = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, pos


def _numbered(prefix: str, n: int, width: int, suffix: str) -> npt.NDArray[np.str_]:
    """``prefix + zero-padded 1..n + suffix``, vectorised with numpy's string ufuncs."""
    if n == 0:
        return np.array([], dtype=np.str_)
    numbers = np.strings.zfill(np.arange(1, n + 1).astype(np.str_), width)
    return np.strings.add(np.strings.add(prefix, numbers), suffix)


def _slug_letters(slug: str) -> str:
    letters = "".join(ch for ch in slug.upper() if "A" <= ch <= "Z")
    return (letters + "XXX")[:3]
