"""Synthetic pilot data for the NNS indicator instrument: participants, questionnaires, answers.

A pure module (numpy and pandas only, no Django) that produces realistic, deterministic demo and
test data for the 2015–2016 pilot; the Django side loads the frames into a tenant schema with
COPY. Everything is vectorised: Python loops run over associations, forms, occasions, activities,
items and half-years only, never over participants, questionnaires or answers.

Entry points
------------
``forms_from_instrument(data)`` turns the reviewed instrument file (``yaml.safe_load`` of
``instrument/data/instrument_v1.yaml``) into ``FormSpec`` objects; ``pilot_data_generate(...)``
returns one ``SyntheticData`` (three DataFrames) per association slug.

Determinism
-----------
Every random stream comes from ``numpy.random.SeedSequence([seed, tag hashes ...])`` with stable
BLAKE2 hashes of slugs, form codes, item codes and activity names as tags. Hence the same seed
gives identical frames, and an association's data depend only on ``seed``, its own spec, the form
specs and the window: not on which other associations are generated with it or in what order.
Item parameters depend only on ``seed`` and the item code (the same item behaves the same way
on every form and in every association).

Population and flow (per association)
-------------------------------------
* Participants: gender woman/man/other/undisclosed with p = .52/.45/.01/.02; age band
  16-19/20-24/25-29/30-39/40-49/50-64 with p = .08/.20/.17/.22/.18/.15; activity drawn with
  Dirichlet(4, ..., 4) weights, so activities differ in size.
* ``started_on`` uniform over ``[start, end - 30 days]`` (steady inflow). The outcome a participant
  would reach is drawn first (see below); the stay is ``14 + Gamma(2, scale)`` days with scale
  95/90/85/55 days for work/studies/other_solution/dropped_out (drop-outs leave earlier). The
  participant has exited when ``started_on + stay <= end`` (about 70 % with the default window);
  otherwise ``exited_on`` is NaT and ``exit_outcome`` missing ("still in").
* Exit outcome: multinomial logit on the latent trait, ``P(k) ∝ exp(c_k + β_k θ)`` with
  β = (0.9, 0.6, 0, -0.6) for work/studies/other_solution/dropped_out. The intercepts ``c_k`` are
  calibrated (Gauss–Hermite quadrature over θ ~ N(0, 1.05²), and the exact probability that a
  stay of each outcome ends within the window) so that the shares among participants who exit
  within the window are about .25/.12/.38/.25. ``subsidised_work``: a work exit is subsidised
  (e.g. lönebidrag, nystartsjobb) with probability ``logistic(-0.6 - 0.5 θ)``, about 35 %.
* Follow-up (``FOLLOWUP_MONTHS`` = 6 months after exit, via the register run): known only when
  ``exited_on + 182 days <= end``. The participant keeps the exit state with probability
  .80/.70/.55/.60 (work/studies/other_solution/dropped_out), otherwise the state is redrawn from
  the same θ-dependent logit. Values use the register vocabulary (``dropped_out`` = no solution).

Questionnaire schedule
----------------------
Participant-linked forms (respondent ``participant`` or ``staff`` rating a participant):

* ``during``: 1 + floor(days in activity / 120) planned occasions, at most 3, spread evenly over
  the stay (one uniform date in each equal slice). The participant answers the first one always
  and later ones with p = .80; staff rate at each planned occasion with p = .90, 0–7 days after
  the participant's date (never after exit).
* ``periodic`` (the schedule's "every 1–3 months", here every 61 days ± 7 days, at most 4): staff
  (and participants, if a participant form lists ``periodic``) answer with p = .85.
* ``exit``: participants answer with p = .50 after drop-out and p = .83 otherwise (≈ 75 %
  overall, non-response related to the outcome), dated exit −3…+10 days; staff rate with p = .90
  on exit +0…14 days. All dates are clipped to ``[started_on, end]``.

Half-yearly forms: each respondent group has a fixed pool of respondents — staff: ``n_staff``;
association manager: ``max(1, n_staff // 10)``; board and partner management group:
``max(3, n_staff // 2)``; none at all when ``n_staff`` is 0 — and every half-year (Jan–Jun,
Jul–Dec) that meets the window holds one survey round dated in its last two months (from 61 to
14 days before the half-year ends, clipped to the window). Each respondent answers a round with
p = .80. Staff are attached to activities by activity size, other groups uniformly (the database
requires an activity on every response).

Measurement model (graded response model, Samejima 1969)
--------------------------------------------------------
For a questionnaire by respondent r on item i of indicator j,

    η_ri = θ_r + ε_q + u_qj,    P(X >= k) = logistic(a_i (η_ri - b_ik)),  k = 2..5,

* θ_participant = μ_assoc + μ_activity + gender effect + age effect + z,  z ~ N(0, 1);
  μ_assoc ~ N(0, 0.3²) and μ_activity ~ N(0, 0.15²), drawn from (seed, slug[, activity]);
  gender effects woman 0, man +0.10 (men "somewhat more positive"), other −0.20,
  undisclosed −0.15; age effects −0.15, −0.10, −0.05, 0, +0.05, +0.10 from 16-19 to 50-64.
* Staff rating a participant: θ = μ_assoc + μ_activity − 0.10 + 0.7 z + √(1 − 0.7²) w with a
  persistent w ~ N(0, 1) per participant, so staff and participant views converge (points 5↔7,
  12↔12, 14↔15) positively but imperfectly.
* Half-yearly respondents: θ = μ_assoc + group offset + N(0, 1), persistent per respondent;
  offsets staff −0.10, manager +0.20, board +0.30, partner management +0.10.
* ε_q ~ N(0, 0.35²): transient state of one questionnaire (shared by its items).
* u_qj ~ N(0, 0.6²): indicator-specific factor shared by the items of indicator j within one
  questionnaire, so within-indicator correlations exceed between-indicator ones.
* Items: a_i ~ U(1.2, 2.5); b_i = location_i + (−3.0, −2.0, −0.95, 0.35) + N(0, 0.1²) jitter,
  sorted; location_i ~ N(0, 0.25²), +0.3 for items far from everyday experience
  (``REMOTE_ITEMS``: p12, p13, p17c, p26). Pooled over all forms this gives about
  4/9/18/31/38 % on 1–5: the positive skew of satisfaction surveys (≈ 69 % answer 4–5).
* "Don't know / not applicable" with probability ``dont_know_rate`` per answer, 4× for
  ``REMOTE_ITEMS``; independent item non-response with ``item_missing_rate``. Both give
  ``value`` <NA>; only the first sets ``dont_know``.
* Items that do not apply at an occasion (``FormSpec.item_occasions``, from the points'
  occasions: on staff_participant p12 is exit only, p7 during/exit, p15 always) get no answer row.

Frames and dtypes
-----------------
``participants`` (one row per participant, ordered by code): code ``str``; gender, age_band,
activity, exit_outcome, followup_status ``category`` (missing = NaN); started_on, exited_on
``datetime64[s]`` (NaT = still in); subsidised_work ``bool``; theta ``float64`` (drop before
loading).

``responses`` (one row per questionnaire, ordered by date, form, participant; the row position is
the answers' category code): response_key ``str`` (``"<slug>-R0000001"``); participant_code
``category`` (the participants' codes; NaN on half-yearly forms); form_code, occasion, activity,
respondent, gender, age_band ``category`` (gender and age band are copied for every response
about a participant, staff ratings included, NaN otherwise); answered_on ``datetime64[s]``.

``answers`` (one row per questionnaire and applicable item, in response then form item order):
response_key ``category`` whose categories are ``responses.response_key`` in row order (so
``answers.response_key.cat.codes`` indexes ``responses``); item_code ``category``; value
``Int16`` (1–5 or <NA>); dont_know ``bool``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "AGE_BANDS",
    "EXIT_OUTCOMES",
    "FOLLOWUP_MONTHS",
    "GENDERS",
    "OCCASIONS",
    "REMOTE_ITEMS",
    "RESPONDENTS",
    "AssociationSpec",
    "FormSpec",
    "SyntheticData",
    "forms_from_instrument",
    "pilot_data_generate",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# --- vocabularies (the pilot models' choices) -------------------------------------------------
GENDERS: tuple[str, ...] = ("woman", "man", "other", "undisclosed")
AGE_BANDS: tuple[str, ...] = ("16-19", "20-24", "25-29", "30-39", "40-49", "50-64")
EXIT_OUTCOMES: tuple[str, ...] = ("work", "studies", "other_solution", "dropped_out")
OCCASIONS: tuple[str, ...] = ("during", "periodic", "exit", "half_yearly")
RESPONDENTS: tuple[str, ...] = ("participant", "staff", "manager", "board", "partner_management")
FOLLOWUP_MONTHS = 6
REMOTE_ITEMS: frozenset[str] = frozenset({"p12", "p13", "p17c", "p26"})

# --- model parameters (see the module docstring) ---------------------------------------------
_GENDER_P = np.array([0.52, 0.45, 0.01, 0.02])
_GENDER_EFFECT = np.array([0.0, 0.10, -0.20, -0.15])
_AGE_P = np.array([0.08, 0.20, 0.17, 0.22, 0.18, 0.15])
_AGE_EFFECT = np.array([-0.15, -0.10, -0.05, 0.0, 0.05, 0.10])
_ASSOC_SD = 0.3
_ACTIVITY_SD = 0.15
_ACTIVITY_DIRICHLET = 4.0
_OUTCOME_P = np.array([0.25, 0.12, 0.38, 0.25])
_OUTCOME_BETA = np.array([0.9, 0.6, 0.0, -0.6])
_OUTCOME_THETA_SD = 1.05
_WORK, _STUDIES, _OTHER, _DROPPED = range(4)
_STAY_MIN_DAYS = 14
_STAY_GAMMA_SHAPE = 2.0
_STAY_GAMMA_SCALE = np.array([95.0, 90.0, 85.0, 55.0])
_INFLOW_END_MARGIN_DAYS = 30
_SUBSIDISED_LOGIT = (-0.6, -0.5)  # intercept, slope on theta
_FOLLOWUP_DAYS = 182
_FOLLOWUP_PERSIST = np.array([0.80, 0.70, 0.55, 0.60])
_STAFF_VIEW_RHO = 0.7
_STAFF_RATING_OFFSET = -0.10
_GROUP_OFFSET = {"staff": -0.10, "manager": 0.20, "board": 0.30, "partner_management": 0.10}
_TRANSIENT_SD = 0.35
_INDICATOR_SD = 0.6
_A_RANGE = (1.2, 2.5)
_BASE_THRESHOLDS = np.array([-3.0, -2.0, -0.95, 0.35])
_THRESHOLD_JITTER_SD = 0.1
_LOCATION_SD = 0.25
_REMOTE_SHIFT = 0.3
_REMOTE_DONT_KNOW_FACTOR = 4.0
# schedule
_DURING_EVERY_DAYS = 120
_DURING_MAX = 3
_PERIODIC_EVERY_DAYS = 61
_PERIODIC_JITTER_DAYS = 7
_PERIODIC_MAX = 4
_STAFF_DURING_LAG_DAYS = (0, 7)
_EXIT_OFFSET_PARTICIPANT = (-3, 10)
_EXIT_OFFSET_STAFF = (0, 14)
_RATE_PARTICIPANT_LATER_DURING = 0.80
_RATE_PERIODIC = 0.85
_RATE_PARTICIPANT_EXIT = 0.83
_RATE_PARTICIPANT_EXIT_DROPPED = 0.50
_RATE_STAFF_RATING = 0.90
_RATE_HALF_YEARLY = 0.80
_ROUND_WINDOW_DAYS = (61, 14)  # round runs from 61 to 14 days before the half-year ends

_PARTICIPANT_OCCASIONS = frozenset({"during", "periodic", "exit"})
_HALF_YEARLY_GROUPS = frozenset({"staff", "manager", "board", "partner_management"})
_IGNORED_OCCASIONS = frozenset({"yearly_register"})
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class FormSpec:
    """One questionnaire form: who answers it, when, and its ordered items.

    ``item_occasions`` (optional, same length as ``item_codes`` when given) lists the occasions
    at which each item applies; empty means every item applies at every occasion of the form.
    """

    code: str
    respondent: str
    occasions: tuple[str, ...]
    item_codes: tuple[str, ...]
    item_indicators: tuple[int, ...]
    item_occasions: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class AssociationSpec:
    """One association (tenant) to simulate."""

    slug: str
    n_participants: int
    activity_names: tuple[str, ...]
    n_staff: int = 10


@dataclass(frozen=True)
class SyntheticData:
    """The three frames for one association (columns and dtypes: see the module docstring)."""

    participants: pd.DataFrame
    responses: pd.DataFrame
    answers: pd.DataFrame


# ==============================================================================================
# public API
# ==============================================================================================


def forms_from_instrument(data: Mapping[str, Any]) -> list[FormSpec]:
    """Form specs from the instrument data (``yaml.safe_load`` of ``instrument_v1.yaml``).

    Item indicators come from the points; an item applies at the occasions its point lists that
    the form also uses (e.g. on staff_participant p12 is exit only).
    """
    item_indicator: dict[str, int] = {}
    item_point_occasions: dict[str, tuple[str, ...]] = {}
    for point in data["points"]:
        for item in point.get("items") or ():
            item_indicator[item["code"]] = int(point["indicator"])
            item_point_occasions[item["code"]] = tuple(point.get("occasions") or ())
    forms: list[FormSpec] = []
    for form in data["forms"]:
        occasions = tuple(form.get("occasions") or (form["occasion"],))
        codes = tuple(form["items"])
        unknown = [c for c in codes if c not in item_indicator]
        if unknown:
            raise ValueError(f"form {form['code']}: unknown items {unknown}")
        item_occasions = tuple(
            tuple(o for o in occasions if o in item_point_occasions[c]) or occasions for c in codes
        )
        forms.append(
            FormSpec(
                code=form["code"],
                respondent=form["respondent"],
                occasions=occasions,
                item_codes=codes,
                item_indicators=tuple(item_indicator[c] for c in codes),
                item_occasions=item_occasions,
            )
        )
    return forms


def pilot_data_generate(
    *,
    associations: Sequence[AssociationSpec],
    forms: Sequence[FormSpec],
    seed: int,
    start: date = date(2015, 9, 1),
    end: date = date(2016, 12, 31),
    dont_know_rate: float = 0.03,
    item_missing_rate: float = 0.02,
) -> dict[str, SyntheticData]:
    """Generate synthetic pilot data, one ``SyntheticData`` per association slug.

    See the module docstring for the model, the schedule and the frames' columns and dtypes.
    """
    _validate(associations, forms, seed, start, end, dont_know_rate, item_missing_rate)
    item_codes = _ordered_items(forms)
    items = _item_params(seed, item_codes, dont_know_rate, item_missing_rate)
    window = _Window(start=_day(start), end=_day(end))
    return {
        spec.slug: _association_generate(spec, forms, seed, window, items, item_missing_rate)
        for spec in associations
    }


# ==============================================================================================
# internals
# ==============================================================================================


@dataclass(frozen=True)
class _Window:
    start: int  # days since 1970-01-01, inclusive
    end: int


@dataclass(frozen=True)
class _Items:
    codes: tuple[str, ...]
    index: dict[str, int]
    a: FloatArray  # (m,)
    b: FloatArray  # (m, 4), ordered thresholds
    dont_know: FloatArray  # (m,) probability


@dataclass
class _Participants:
    n: int
    gender: IntArray
    age: IntArray
    activity: IntArray
    theta: FloatArray
    staff_theta: FloatArray
    started: IntArray
    exit_day: IntArray
    exited: BoolArray
    outcome: IntArray  # index into EXIT_OUTCOMES, -1 = still in
    active_end: IntArray


@dataclass
class _Block:
    """Questionnaires of one form (arrays aligned by row) and their answers."""

    participant: IntArray  # -1 = none
    occasion: IntArray  # index into OCCASIONS
    activity: IntArray
    day: IntArray
    gender: IntArray  # -1 = none
    age: IntArray
    form: int
    respondent: int
    ans_row: IntArray  # answers: row within this block
    ans_item: IntArray  # global item index
    ans_value: npt.NDArray[np.int8]  # 0 = missing
    ans_dont_know: BoolArray


def _validate(
    associations: Sequence[AssociationSpec],
    forms: Sequence[FormSpec],
    seed: int,
    start: date,
    end: date,
    dont_know_rate: float,
    item_missing_rate: float,
) -> None:
    if seed < 0:
        raise ValueError("seed must be non-negative")
    if end <= start:
        raise ValueError("end must be after start")
    if not (0.0 <= dont_know_rate <= 1.0 and 0.0 <= item_missing_rate <= 1.0):
        raise ValueError("rates must lie in [0, 1]")
    if dont_know_rate + item_missing_rate > 1.0:
        raise ValueError("dont_know_rate + item_missing_rate must not exceed 1")
    slugs = [a.slug for a in associations]
    if len(set(slugs)) != len(slugs):
        raise ValueError("association slugs must be unique")
    for a in associations:
        if a.n_participants < 0 or a.n_staff < 0:
            raise ValueError(f"{a.slug}: counts must be non-negative")
        if not a.activity_names or len(set(a.activity_names)) != len(a.activity_names):
            raise ValueError(f"{a.slug}: activity_names must be non-empty and unique")
    codes = [f.code for f in forms]
    if len(set(codes)) != len(codes):
        raise ValueError("form codes must be unique")
    for f in forms:
        if f.respondent not in RESPONDENTS:
            raise ValueError(f"form {f.code}: unknown respondent {f.respondent!r}")
        if len(f.item_indicators) != len(f.item_codes) or not f.item_codes:
            raise ValueError(f"form {f.code}: item_codes and item_indicators must match")
        if len(set(f.item_codes)) != len(f.item_codes):
            raise ValueError(f"form {f.code}: duplicate items")
        if f.item_occasions and len(f.item_occasions) != len(f.item_codes):
            raise ValueError(f"form {f.code}: item_occasions must match item_codes")
        for occ in f.occasions:
            if occ in _IGNORED_OCCASIONS:
                continue
            if occ in _PARTICIPANT_OCCASIONS and f.respondent in ("participant", "staff"):
                continue
            if occ == "half_yearly" and f.respondent in _HALF_YEARLY_GROUPS:
                continue
            raise ValueError(f"form {f.code}: occasion {occ!r} for {f.respondent} unsupported")


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


def _participants_generate(
    spec: AssociationSpec, seed: int, window: _Window, mu: float, act_effect: FloatArray
) -> _Participants:
    rng = _rng(seed, spec.slug, "participants")
    n = spec.n_participants
    k = len(spec.activity_names)
    weights = rng.dirichlet(np.full(k, _ACTIVITY_DIRICHLET))
    gender = rng.choice(len(GENDERS), size=n, p=_GENDER_P)
    age = rng.choice(len(AGE_BANDS), size=n, p=_AGE_P)
    activity = rng.choice(k, size=n, p=weights)
    z = rng.standard_normal(n)
    w = rng.standard_normal(n)
    level = mu + act_effect[activity]
    theta = level + _GENDER_EFFECT[gender] + _AGE_EFFECT[age] + z
    staff_theta = (
        level + _STAFF_RATING_OFFSET + _STAFF_VIEW_RHO * z + np.sqrt(1.0 - _STAFF_VIEW_RHO**2) * w
    )
    span = max(1, window.end - window.start - _INFLOW_END_MARGIN_DAYS)
    started = window.start + rng.integers(0, span, size=n)
    horizon = window.end - window.start
    would_be = _outcome_draw(rng, theta, _outcome_intercepts(span, horizon))
    stay = _STAY_MIN_DAYS + np.rint(
        rng.gamma(_STAY_GAMMA_SHAPE, _STAY_GAMMA_SCALE[would_be])
    ).astype(np.int64)
    exit_day = started + stay
    exited = exit_day <= window.end
    outcome = np.where(exited, would_be, -1)
    return _Participants(
        n=n,
        gender=gender.astype(np.int64),
        age=age.astype(np.int64),
        activity=activity.astype(np.int64),
        theta=theta,
        staff_theta=staff_theta,
        started=started,
        exit_day=exit_day,
        exited=exited,
        outcome=outcome,
        active_end=np.where(exited, exit_day, window.end),
    )


def _participants_frame(
    spec: AssociationSpec, seed: int, window: _Window, p: _Participants
) -> pd.DataFrame:
    rng = _rng(seed, spec.slug, "register")
    work = p.outcome == _WORK
    intercept, slope = _SUBSIDISED_LOGIT
    subsidised = work & (rng.random(p.n) < 1.0 / (1.0 + np.exp(-(intercept + slope * p.theta))))
    known = p.exited & (p.exit_day + _FOLLOWUP_DAYS <= window.end)
    stays = rng.random(p.n) < _FOLLOWUP_PERSIST[np.maximum(p.outcome, 0)]
    span = max(1, window.end - window.start - _INFLOW_END_MARGIN_DAYS)
    redrawn = _outcome_draw(rng, p.theta, _outcome_intercepts(span, window.end - window.start))
    followup = np.where(known, np.where(stays, p.outcome, redrawn), -1)
    codes = _numbered("P-", p.n, max(5, len(str(p.n))), f"-{_slug_letters(spec.slug)}")
    return pd.DataFrame(
        {
            "code": pd.array(codes, dtype="str"),
            "gender": _categorical(p.gender, GENDERS),
            "age_band": _categorical(p.age, AGE_BANDS),
            "activity": _categorical(p.activity, spec.activity_names),
            "started_on": _dates(p.started),
            "exited_on": _dates(p.exit_day, ~p.exited),
            "exit_outcome": _categorical(p.outcome, EXIT_OUTCOMES),
            "subsidised_work": subsidised,
            "followup_status": _categorical(followup, EXIT_OUTCOMES),
            "theta": p.theta,
        }
    )


@dataclass
class _Schedule:
    """Planned participant-linked occasions, shared by every participant-linked form."""

    during_p: IntArray
    during_pos: IntArray
    during_day: IntArray
    periodic_p: IntArray
    periodic_day: IntArray


def _schedule(spec: AssociationSpec, seed: int, p: _Participants) -> _Schedule:
    rng = _rng(seed, spec.slug, "schedule")
    length = p.active_end - p.started
    n_during = np.minimum(_DURING_MAX, 1 + length // _DURING_EVERY_DAYS)
    d_p, d_pos = _expand(n_during)
    frac = (d_pos + rng.random(d_p.size)) / n_during[d_p]
    d_day = np.minimum(p.started[d_p] + np.floor(frac * (length[d_p] + 1)), p.active_end[d_p])
    n_periodic = np.minimum(_PERIODIC_MAX, length // _PERIODIC_EVERY_DAYS)
    q_p, q_pos = _expand(n_periodic)
    jitter = rng.integers(-_PERIODIC_JITTER_DAYS, _PERIODIC_JITTER_DAYS + 1, size=q_p.size)
    q_day = np.clip(
        p.started[q_p] + _PERIODIC_EVERY_DAYS * (q_pos + 1) + jitter,
        p.started[q_p],
        p.active_end[q_p],
    )
    return _Schedule(
        during_p=d_p,
        during_pos=d_pos,
        during_day=d_day.astype(np.int64),
        periodic_p=q_p,
        periodic_day=q_day,
    )


def _participant_form_rows(
    form: FormSpec,
    rng: np.random.Generator,
    window: _Window,
    p: _Participants,
    s: _Schedule,
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Questionnaires of a participant-linked form: participant, occasion, day, latent."""
    is_staff = form.respondent == "staff"
    parts: list[tuple[IntArray, int, IntArray]] = []
    for occ in OCCASIONS:
        if occ not in form.occasions or occ == "half_yearly":
            continue
        if occ == "during":
            if is_staff:
                keep = rng.random(s.during_p.size) < _RATE_STAFF_RATING
                who = s.during_p[keep]
                lag = rng.integers(
                    _STAFF_DURING_LAG_DAYS[0], _STAFF_DURING_LAG_DAYS[1] + 1, size=who.size
                )
                day = np.minimum(s.during_day[keep] + lag, p.active_end[who])
            else:
                u = rng.random(s.during_p.size)
                keep = (s.during_pos == 0) | (u < _RATE_PARTICIPANT_LATER_DURING)
                who, day = s.during_p[keep], s.during_day[keep]
        elif occ == "periodic":
            keep = rng.random(s.periodic_p.size) < _RATE_PERIODIC
            who, day = s.periodic_p[keep], s.periodic_day[keep]
        else:  # exit
            u = rng.random(p.n)
            if is_staff:
                keep = p.exited & (u < _RATE_STAFF_RATING)
                lo, hi = _EXIT_OFFSET_STAFF
            else:
                rate = np.where(
                    p.outcome == _DROPPED, _RATE_PARTICIPANT_EXIT_DROPPED, _RATE_PARTICIPANT_EXIT
                )
                keep = p.exited & (u < rate)
                lo, hi = _EXIT_OFFSET_PARTICIPANT
            who = np.flatnonzero(keep)
            offset = rng.integers(lo, hi + 1, size=who.size)
            day = np.clip(p.exit_day[who] + offset, p.started[who], window.end)
        parts.append((who, OCCASIONS.index(occ), day))
    who = np.concatenate([w for w, _, _ in parts]) if parts else np.empty(0, np.int64)
    occ_idx = np.concatenate([np.full(w.size, o) for w, o, _ in parts]) if parts else who.copy()
    day = np.concatenate([d for _, _, d in parts]) if parts else who.copy()
    base = p.staff_theta if is_staff else p.theta
    latent = base[who] + rng.normal(0.0, _TRANSIENT_SD, size=who.size)
    return who, occ_idx.astype(np.int64), day.astype(np.int64), latent


def _group_size(group: str, n_staff: int) -> int:
    if group == "staff" or n_staff == 0:
        return n_staff
    if group == "manager":
        return max(1, n_staff // 10)
    return max(3, n_staff // 2)


def _rounds(window: _Window) -> list[tuple[int, int]]:
    """Inclusive day ranges of the half-yearly survey rounds that meet the window."""
    first = date.fromordinal(_EPOCH.toordinal() + window.start)
    last = date.fromordinal(_EPOCH.toordinal() + window.end)
    out: list[tuple[int, int]] = []
    year, half = first.year, 0 if first.month <= 6 else 1
    while date(year, 1 if half == 0 else 7, 1) <= last:
        half_end = date(year, 6, 30) if half == 0 else date(year, 12, 31)
        lo = max(_day(half_end - timedelta(days=_ROUND_WINDOW_DAYS[0])), window.start)
        hi = min(_day(half_end - timedelta(days=_ROUND_WINDOW_DAYS[1])), window.end)
        if lo <= hi:
            out.append((lo, hi))
        year, half = (year, 1) if half == 0 else (year + 1, 0)
    return out


def _half_yearly_rows(
    form: FormSpec,
    spec: AssociationSpec,
    seed: int,
    rng: np.random.Generator,
    window: _Window,
    mu: float,
    activity_weights: FloatArray,
) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Questionnaires of a half-yearly form: activity, occasion, day, latent."""
    group = form.respondent
    n_resp = _group_size(group, spec.n_staff)
    pool = _rng(seed, spec.slug, "respondents", group)  # shared by the group's forms
    theta = mu + _GROUP_OFFSET[group] + pool.standard_normal(n_resp)
    k = activity_weights.size
    if group == "staff":
        activity = pool.choice(k, size=n_resp, p=activity_weights)
    else:
        activity = pool.integers(0, k, size=n_resp)
    rounds = _rounds(window)
    lo = np.array([r[0] for r in rounds], dtype=np.int64)
    hi = np.array([r[1] for r in rounds], dtype=np.int64)
    who = np.tile(np.arange(n_resp), lo.size)
    rnd = np.repeat(np.arange(lo.size), n_resp)
    keep = rng.random(who.size) < _RATE_HALF_YEARLY
    who, rnd = who[keep], rnd[keep]
    day = lo[rnd] + np.floor(rng.random(who.size) * (hi[rnd] - lo[rnd] + 1)).astype(np.int64)
    latent = theta[who] + rng.normal(0.0, _TRANSIENT_SD, size=who.size)
    occ = np.full(who.size, OCCASIONS.index("half_yearly"), dtype=np.int64)
    return activity[who].astype(np.int64), occ, day, latent


def _answers(
    form: FormSpec,
    rng: np.random.Generator,
    items: _Items,
    occasion: IntArray,
    latent: FloatArray,
    item_missing_rate: float,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8], BoolArray]:
    """Graded-response answers of one form's questionnaires, in long format."""
    n = latent.size
    gidx = np.array([items.index[c] for c in form.item_codes], dtype=np.int64)
    m = gidx.size
    _, ind = np.unique(np.asarray(form.item_indicators), return_inverse=True)
    a, b = items.a[gidx], items.b[gidx]
    u = rng.normal(0.0, _INDICATOR_SD, size=(n, int(ind.max()) + 1))
    eta = latent[:, None] + u[:, ind]
    eta -= rng.logistic(size=(n, m)) / a[None, :]
    value = np.ones((n, m), dtype=np.int8)
    for k in range(b.shape[1]):
        value += eta > b[None, :, k]
    r = rng.random((n, m))
    p_dk = items.dont_know[gidx][None, :]
    dont_know = r < p_dk
    value[r < p_dk + item_missing_rate] = 0
    if form.item_occasions:
        applies = np.array(
            [[o in item_occ for item_occ in form.item_occasions] for o in OCCASIONS], dtype=bool
        )
        rows, cols = np.nonzero(applies[occasion])
    else:
        rows = np.repeat(np.arange(n), m)
        cols = np.tile(np.arange(m), n)
    return rows, gidx[cols], value[rows, cols], dont_know[rows, cols]


def _association_generate(
    spec: AssociationSpec,
    forms: Sequence[FormSpec],
    seed: int,
    window: _Window,
    items: _Items,
    item_missing_rate: float,
) -> SyntheticData:
    effects = _rng(seed, spec.slug, "effects")
    mu = float(effects.normal(0.0, _ASSOC_SD))
    act_effect = np.array(
        [
            _rng(seed, spec.slug, "activity", a).normal(0.0, _ACTIVITY_SD)
            for a in spec.activity_names
        ]
    )
    p = _participants_generate(spec, seed, window, mu, act_effect)
    participants = _participants_frame(spec, seed, window, p)
    sched = _schedule(spec, seed, p)
    weights = np.bincount(p.activity, minlength=len(spec.activity_names)).astype(np.float64)
    weights = (weights + 1.0) / (weights + 1.0).sum()

    blocks: list[_Block] = []
    for f_idx, form in enumerate(forms):
        rng = _rng(seed, spec.slug, "form", form.code)
        if _PARTICIPANT_OCCASIONS.intersection(form.occasions):
            who, occ, day, latent = _participant_form_rows(form, rng, window, p, sched)
            activity, gender, age = p.activity[who], p.gender[who], p.age[who]
        elif "half_yearly" in form.occasions:
            activity, occ, day, latent = _half_yearly_rows(
                form, spec, seed, rng, window, mu, weights
            )
            who = gender = age = np.full(activity.size, -1, dtype=np.int64)
        else:
            continue
        rows, gitem, value, dk = _answers(form, rng, items, occ, latent, item_missing_rate)
        blocks.append(
            _Block(
                participant=who,
                occasion=occ,
                activity=activity,
                day=day,
                gender=gender,
                age=age,
                form=f_idx,
                respondent=RESPONDENTS.index(form.respondent),
                ans_row=rows,
                ans_item=gitem,
                ans_value=value,
                ans_dont_know=dk,
            )
        )
    responses, answers = _frames(spec, forms, items, participants, blocks)
    return SyntheticData(participants=participants, responses=responses, answers=answers)


def _frames(
    spec: AssociationSpec,
    forms: Sequence[FormSpec],
    items: _Items,
    participants: pd.DataFrame,
    blocks: list[_Block],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    sizes = np.array([b.day.size for b in blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])

    def cat(name: str) -> IntArray:
        return np.concatenate([getattr(b, name) for b in blocks] or [np.empty(0, np.int64)])

    pidx, occ, act, day, gender, age = (
        cat(n) for n in ("participant", "occasion", "activity", "day", "gender", "age")
    )
    form = np.repeat(np.array([b.form for b in blocks], dtype=np.int64), sizes)
    respondent = np.repeat(np.array([b.respondent for b in blocks], dtype=np.int64), sizes)
    order = np.lexsort((pidx, form, day))  # by day, then form, then participant
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    n = order.size
    keys = _numbered(f"{spec.slug}-R", n, max(7, len(str(n))), "")
    key_array = pd.array(keys, dtype="str")
    key_index = pd.Index(key_array)
    responses = pd.DataFrame(
        {
            "response_key": key_array,
            "participant_code": pd.Categorical.from_codes(
                pidx[order], categories=pd.Index(participants["code"]), validate=False
            ),
            "form_code": _categorical(form[order], [f.code for f in forms]),
            "occasion": _categorical(occ[order], OCCASIONS),
            "activity": _categorical(act[order], spec.activity_names),
            "respondent": _categorical(respondent[order], RESPONDENTS),
            "answered_on": _dates(day[order]),
            "gender": _categorical(gender[order], GENDERS),
            "age_band": _categorical(age[order], AGE_BANDS),
        }
    )
    a_resp = np.concatenate(
        [position[off + b.ans_row] for off, b in zip(offsets[:-1], blocks, strict=True)]
        or [np.empty(0, np.int64)]
    )
    a_order = np.argsort(a_resp, kind="stable")
    a_item = np.concatenate([b.ans_item for b in blocks] or [np.empty(0, np.int64)])[a_order]
    a_value = np.concatenate([b.ans_value for b in blocks] or [np.empty(0, np.int8)])[a_order]
    a_dk = np.concatenate([b.ans_dont_know for b in blocks] or [np.empty(0, bool)])[a_order]
    value = pd.arrays.IntegerArray(a_value.astype(np.int16), a_value == 0)
    answers = pd.DataFrame(
        {
            "response_key": pd.Categorical.from_codes(
                a_resp[a_order], categories=key_index, validate=False
            ),
            "item_code": _categorical(a_item, items.codes),
            "value": value,
            "dont_know": a_dk,
        }
    )
    return responses, answers
