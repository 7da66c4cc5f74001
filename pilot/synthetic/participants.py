"""Participants (inflow, stays, outcomes) and the questionnaires given to and about them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pilot.synthetic.draws import (
    _categorical,
    _dates,
    _expand,
    _numbered,
    _outcome_draw,
    _outcome_intercepts,
    _rng,
    _slug_letters,
)
from pilot.synthetic.parameters import (
    _ACTIVITY_DIRICHLET,
    _AGE_EFFECT,
    _AGE_P,
    _DROPPED,
    _DURING_EVERY_DAYS,
    _DURING_MAX,
    _EXIT_OFFSET_PARTICIPANT,
    _EXIT_OFFSET_STAFF,
    _FOLLOWUP_DAYS,
    _FOLLOWUP_PERSIST,
    _GENDER_EFFECT,
    _GENDER_P,
    _INFLOW_END_MARGIN_DAYS,
    _PERIODIC_EVERY_DAYS,
    _PERIODIC_JITTER_DAYS,
    _PERIODIC_MAX,
    _RATE_PARTICIPANT_EXIT,
    _RATE_PARTICIPANT_EXIT_DROPPED,
    _RATE_PARTICIPANT_LATER_DURING,
    _RATE_PERIODIC,
    _RATE_STAFF_RATING,
    _STAFF_DURING_LAG_DAYS,
    _STAFF_RATING_OFFSET,
    _STAFF_VIEW_RHO,
    _STAY_GAMMA_SCALE,
    _STAY_GAMMA_SHAPE,
    _STAY_MIN_DAYS,
    _SUBSIDISED_LOGIT,
    _TRANSIENT_SD,
    _WORK,
    AGE_BANDS,
    EXIT_OUTCOMES,
    GENDERS,
    OCCASIONS,
    FloatArray,
    IntArray,
)
from pilot.synthetic.specs import AssociationSpec, FormSpec, _Participants, _Window


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
