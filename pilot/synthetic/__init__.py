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

The package, one job per module: ``parameters`` (vocabularies and model constants),
``specs`` (inputs, outputs, checks), ``draws`` (seeded streams, array helpers),
``participants`` (inflow, outcomes, their questionnaires), ``assembly`` (half-yearly rounds,
answers, frames). This face holds the public API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pilot.synthetic.assembly import _association_generate
from pilot.synthetic.draws import _day, _item_params, _ordered_items
from pilot.synthetic.parameters import (
    AGE_BANDS,
    EXIT_OUTCOMES,
    FOLLOWUP_MONTHS,
    GENDERS,
    OCCASIONS,
    REMOTE_ITEMS,
    RESPONDENTS,
)
from pilot.synthetic.specs import AssociationSpec, FormSpec, SyntheticData, _validate, _Window

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
