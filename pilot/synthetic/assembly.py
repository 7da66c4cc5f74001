"""Half-yearly rounds, item answers, and the assembled frames of one association."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from pilot.synthetic.draws import _categorical, _dates, _day, _numbered, _rng
from pilot.synthetic.parameters import (
    _ACTIVITY_SD,
    _ASSOC_SD,
    _EPOCH,
    _GROUP_OFFSET,
    _INDICATOR_SD,
    _PARTICIPANT_OCCASIONS,
    _RATE_HALF_YEARLY,
    _ROUND_WINDOW_DAYS,
    _TRANSIENT_SD,
    AGE_BANDS,
    GENDERS,
    OCCASIONS,
    RESPONDENTS,
    BoolArray,
    FloatArray,
    IntArray,
)
from pilot.synthetic.participants import (
    _participant_form_rows,
    _participants_frame,
    _participants_generate,
    _schedule,
)
from pilot.synthetic.specs import AssociationSpec, FormSpec, SyntheticData, _Block, _Items, _Window


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
