"""Disclosure control of a researcher dataset: the dataset's generalisation hierarchy, applied
by the one k-anonymity mechanism of :mod:`stats.disclosure`.

k-anonymity on the quasi-identifiers, counted in distinct *persons* (participant pseudonyms;
a questionnaire without one, e.g. a staff-level form, counts as a person of its own): several
questionnaires of one person, and staff ratings of that person, never make a class look
bigger than the people in it. If violated, global recoding in this order, each step kept only
if it lowers the number of questionnaires at risk:

1. period month → half-year ("2016-H1"), 2. period → year ("2016"),
3. exit month → half-year, 4. exit month → year,
5. age bands merged into 16-24, 25-39, 40-64,
6. gender "other" and "undisclosed" merged into "other_or_undisclosed",
7. exit month withheld, 8. exit outcome withheld (the register columns left empty),
9. county replaced by "region unknown" (last resort),

and finally local suppression: questionnaires in classes of still fewer than k persons are
dropped. The layouts (wide, long) are both cut from the controlled questionnaires, so every
class holds the same persons in each.

With a person link (``trajectories``), the pseudonym lets a reader join one person's rows,
so each person's set of classes across their questionnaires (their trajectory) must also be
held by k persons: the same steps are judged on both, and a person whose trajectory stays
rarer is suppressed with all their questionnaires. The released pseudonym is re-keyed per
release (:func:`pseudonyms_rekeyed`) and the rows are shuffled and renumbered
(:func:`release_order`); without the link the build drops the pseudonym.
Pure: no Django.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np
import pandas as pd

from national.datasets.spec import AGE_MERGE, GENDER_MERGE, OTHER_OR_UNDISCLOSED, REGION_UNKNOWN
from stats.disclosure import (
    Generalisation,
    categorical_recode,
    generalise_until_k_anonymous,
    merged,
)


def period_half_year(value: object) -> object:
    if not isinstance(value, str) or len(value) != 7:  # only "YYYY-MM" is coarsened
        return value
    return f"{value[:4]}-H{1 if int(value[5:7]) <= 6 else 2}"


def period_year(value: object) -> object:
    return value[:4] if isinstance(value, str) else value


def _withheld(value: object) -> object:
    return None


def _region_unknown(value: object) -> object:
    return REGION_UNKNOWN if value is not None else value


PERSON = "pseudonym"


def generalisations(quasi: Sequence[str]) -> list[Generalisation]:
    """The dataset's recodings of ``quasi``, in the order they are tried."""
    steps: list[Generalisation] = []
    for column, name in (("period", "period"), ("exit_month", "exit month")):
        if column in quasi:
            steps.append(
                Generalisation(
                    column,
                    period_half_year,
                    f"{name} coarsened from month to half-year (YYYY-H1/H2)",
                )
            )
            steps.append(
                Generalisation(column, period_year, f"{name} coarsened to calendar year (YYYY)")
            )
    if "age_band" in quasi:
        joined = ", ".join(sorted(set(AGE_MERGE.values())))
        steps.append(
            Generalisation("age_band", merged(AGE_MERGE), f"age bands merged into {joined}")
        )
    if "gender" in quasi:
        steps.append(
            Generalisation(
                "gender",
                merged(GENDER_MERGE),
                f"gender 'other' and 'undisclosed' merged into '{OTHER_OR_UNDISCLOSED}'",
            )
        )
    for column, name in (("exit_month", "exit month"), ("exit_outcome", "exit outcome")):
        if column in quasi:
            steps.append(Generalisation(column, _withheld, f"{name} withheld (left empty)"))
    if "county" in quasi:
        steps.append(
            Generalisation(
                "county", _region_unknown, f"county replaced by '{REGION_UNKNOWN}' (last resort)"
            )
        )
    return steps


def pseudonyms_rekeyed(values: pd.Categorical, key: bytes) -> pd.Categorical:
    """The national pseudonyms as this release's: HMAC-SHA256 under the release's own key
    (128 bits, hex), once per category. Without the key the release's pseudonyms cannot be
    turned back into national ones, and two releases' pseudonyms of one person differ."""

    def rekey(value: object) -> object:
        return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()[:32]

    return categorical_recode(values, rekey)


def release_order(n: int, key: bytes) -> np.ndarray:
    """A permutation of ``n`` rows drawn from the release's key: with a person link the rows
    are shuffled and numbered anew (``response`` 1..n), so that neither the snapshot's
    questionnaire numbers nor the row order join the release to another release of the same
    snapshot (which would join the re-keyed pseudonyms too). Same key, same order."""
    seed = int.from_bytes(hashlib.sha256(b"nns-release-order\x1f" + key).digest()[:16], "big")
    return np.random.default_rng(seed).permutation(n)


def disclosure_control(
    contexts: pd.DataFrame, quasi: Sequence[str], k: int, *, trajectories: bool = False
) -> tuple[pd.DataFrame, list[str], list[Generalisation]]:
    """One row per questionnaire in (quasi-identifiers as Categoricals, the ``pseudonym``
    column naming the person), rows whose every class holds at least k persons out (recoded,
    then suppressed; index kept): (rows, changes, generalisations applied). With
    ``trajectories`` (the release links a person's rows), every person's set of classes is
    held by at least k persons too."""
    person = PERSON if PERSON in contexts.columns else None
    done = generalise_until_k_anonymous(
        contexts,
        quasi,
        k=k,
        steps=generalisations(quasi),
        unit="questionnaires",
        person=person,
        trajectories=trajectories and person is not None,
    )
    return done.data, list(done.changes), list(done.applied)
