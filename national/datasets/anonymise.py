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
Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from national.datasets.spec import AGE_MERGE, GENDER_MERGE, OTHER_OR_UNDISCLOSED, REGION_UNKNOWN
from stats.disclosure import Generalisation, generalise_until_k_anonymous, merged


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


def disclosure_control(
    contexts: pd.DataFrame, quasi: Sequence[str], k: int
) -> tuple[pd.DataFrame, list[str], list[Generalisation]]:
    """One row per questionnaire in (quasi-identifiers as Categoricals, the ``pseudonym``
    column naming the person), rows whose every class holds at least k persons out (recoded,
    then suppressed; index kept): (rows, changes, generalisations applied)."""
    person = PERSON if PERSON in contexts.columns else None
    done = generalise_until_k_anonymous(
        contexts,
        quasi,
        k=k,
        steps=generalisations(quasi),
        unit="questionnaires",
        person=person,
    )
    return done.data, list(done.changes), list(done.applied)
