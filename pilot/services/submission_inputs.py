"""What a questionnaire submission is: its input types and the codes every path shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pilot.models import AgeBand, Gender
from vocabulary import PARTICIPANT_FORMS as PARTICIPANT_FORMS

DONT_KNOW = "dont_know"
LOCAL_PREFIX = "local:"
# TextChoices.values builds a new list on every access: once per row was a third of a bulk
# import's validation.
GENDER_CODES = frozenset(Gender.values)
AGE_BAND_CODES = frozenset(AgeBand.values)


@dataclass(frozen=True)
class NewParticipant:
    gender: str
    age_band: str
    started_on: dt.date


@dataclass(frozen=True)
class SubmissionInput:
    form_code: str
    occasion: str
    activity: str  # activity name (imports) or id as text (API)
    answered_on: dt.date
    answers: Mapping[str, object]
    participant_code: str | None = None
    new_participant: NewParticipant | None = None
    key: str | None = None
