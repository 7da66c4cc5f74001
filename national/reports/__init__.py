"""National reports (issue 6) from a pooled, anonymised national snapshot.

A pure package: pandas frames in, JSON-serialisable dicts and lists out. One module per
report (:mod:`~national.reports.reliability`, :mod:`~national.reports.benchmark`,
:mod:`~national.reports.validity`, :mod:`~national.reports.association` with
:mod:`~national.reports.flows`) on the inputs (:mod:`~national.reports.inputs`) and the frames
prepared once per snapshot (:mod:`~national.reports.frames`); disclosure control is
:mod:`stats.disclosure`. They import numpy, scipy, pandas and :mod:`stats` only, never Django;
:mod:`national.reports.store` (loading a snapshot's frames, storing nothing itself) is the one
module with Django in it and is not imported here.

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
* No differencing (issue 14, :mod:`~national.reports.viewer`): an association knows its own
  counts, so every national figure it is shown, minus its own, describes the others. Its
  funnels show the national n and share only when at least ``min_associations`` (>= 3)
  associations contribute n >= k each and, for this association, the others' counts are not
  pinned by their bounds (all exactly k, successes 0 or all):
  :func:`stats.disclosure.national_release`; otherwise they are None with
  ``national_reason``. No overdispersion (p0, phi, tau^2) reaches an association (with the
  national sums and an integer search they give the others' exact counts), and its limit lines
  use an n grid from k and its own n only. The steering group's :func:`benchmark_report` keeps
  everything. See docs/stats.md, "No differencing".
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

from national.reports.association import (
    FUNNEL_LINES,
    association_results,
    association_results_all,
    with_funnel_lines,
    without_funnel_lines,
    without_national_figures,
)
from national.reports.benchmark import benchmark_report
from national.reports.inputs import (
    EXIT_OUTCOMES,
    GENDERS,
    POOLED,
    InstrumentMap,
    PooledSnapshot,
    half_year,
    instrument_map_from_yaml,
    mean_text,
    share_text,
)
from national.reports.reliability import reliability_flags, reliability_report
from national.reports.validity import convergent_pairs, validity_report

__all__ = [
    "EXIT_OUTCOMES",
    "FUNNEL_LINES",
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
    "reliability_flags",
    "reliability_report",
    "share_text",
    "validity_report",
    "with_funnel_lines",
    "without_funnel_lines",
    "without_national_figures",
]
