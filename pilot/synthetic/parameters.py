"""Vocabularies and model parameters of the pilot data generator (see ``pilot.synthetic``)."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from vocabulary import AGE_BANDS as AGE_BANDS
from vocabulary import EXIT_OUTCOMES as EXIT_OUTCOMES
from vocabulary import GENDERS as GENDERS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# --- vocabularies (codes from the one vocabulary; their order fixes the parameters below) ---
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
