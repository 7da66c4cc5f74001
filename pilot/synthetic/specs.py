"""The generator's inputs and outputs, its internal records, and the input checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from pilot.synthetic.parameters import (
    _HALF_YEARLY_GROUPS,
    _IGNORED_OCCASIONS,
    _PARTICIPANT_OCCASIONS,
    RESPONDENTS,
    BoolArray,
    FloatArray,
    IntArray,
)


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
