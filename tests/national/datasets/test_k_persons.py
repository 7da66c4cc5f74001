"""k persons (issue 15): every equivalence class on the declared quasi-identifiers holds at
least k distinct persons (pseudonyms), not k questionnaires, in both layouts, over generated
pools in which persons answer several questionnaires and staff rate them too (hypothesis).
Class sizes are counted here independently with pandas ``groupby().nunique()``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.datasets import DEFAULT_QUASI_IDENTIFIERS, BuiltDataset, DatasetSpec, dataset_build
from stats.disclosure import k_anonymity
from tests.national.datasets.conftest import INSTRUMENT

ITEMS = ["p1", "p3", "p5"]


def persons_per_class(
    frame: pd.DataFrame, qi: list[str], source: pd.DataFrame | None = None
) -> pd.Series:
    """Distinct persons per class; a row without a pseudonym is a person of its own. A frame
    released without a pseudonym is given its persons from the ``source`` answers (by the
    questionnaire number, which only a linked release renumbers)."""
    if "pseudonym" in frame.columns:
        person = frame["pseudonym"].astype(object)
    else:
        assert source is not None
        by_response = source.drop_duplicates("response").set_index("response")["pseudonym"]
        person = pd.Series(by_response.reindex(frame["response"]).to_numpy(), dtype=object)
        person.index = frame.index
    person = person.where(person.notna(), "q" + frame["response"].astype(str))
    keyed = frame[qi].astype(object).fillna("<NA>").assign(_person=person.to_numpy())
    return keyed.groupby(qi, dropna=False)["_person"].nunique()


def repeated_pool(seed: int, persons: int, max_repeats: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``persons`` participants, each answering 1..max_repeats questionnaires in random
    months, plus staff ratings of some of them (same pseudonym) and staff-level forms
    without a pseudonym."""
    rng = np.random.default_rng(seed)
    assoc = rng.choice(["a-one", "b-two", "c-three"], size=persons, p=[0.6, 0.3, 0.1])
    county = np.where(assoc == "a-one", "01", "03")
    gender = rng.choice(np.array(["woman", "man", "other", "undisclosed"], dtype=object),
                        size=persons, p=[0.45, 0.45, 0.05, 0.05])  # fmt: skip
    age = rng.choice(["16-19", "20-24", "25-29", "30-39", "40-49", "50-64"], size=persons)
    repeats = rng.integers(1, max_repeats + 1, persons)
    staff_rated = rng.random(persons) < 0.5
    person = np.repeat(np.arange(persons), repeats + staff_rated)
    n_q = len(person)
    form = np.where(
        np.concatenate(
            [
                np.r_[np.zeros(r, bool), np.ones(int(s), bool)]
                for r, s in zip(repeats, staff_rated, strict=True)
            ]
        ),
        "staff_participant",
        "participant_during",
    )
    # Staff-level questionnaires without a pseudonym.
    n_staff = max(1, persons // 10)
    month0 = pd.Timestamp("2016-01-01")
    months = rng.integers(0, 12, n_q + n_staff)
    period = (month0 + pd.to_timedelta(months * 31, "D")).to_period("M").to_timestamp()
    pseudonym = np.array([f"x{i}" for i in person] + [None] * n_staff, dtype=object)
    idx = np.r_[person, rng.integers(0, persons, n_staff)]
    ctx = pd.DataFrame(
        {
            "response": np.arange(n_q + n_staff),
            "pseudonym": pseudonym,
            "association": assoc[idx],
            "county": county[idx],
            "period": period,
            "instrument_version": "2015.1",
            "form_code": np.r_[form, np.full(n_staff, "staff_half_yearly")],
            "occasion": "during",
            "respondent": np.r_[
                np.where(form == "staff_participant", "staff", "participant"),
                np.full(n_staff, "staff"),
            ],
            "gender": np.r_[gender[person], np.full(n_staff, None)],
            "age_band": np.r_[age[person], np.full(n_staff, None)].astype(object),
        }
    )
    answers = ctx.loc[ctx.index.repeat(len(ITEMS))].reset_index(drop=True)
    answers["item_code"] = np.tile(ITEMS, len(ctx))
    answers["value"] = pd.array(rng.integers(1, 6, len(answers)), dtype="Int16")
    answers["dont_know"] = rng.random(len(answers)) < 0.05
    exited = rng.random(persons) < 0.6
    exit_month = (month0 + pd.to_timedelta(rng.integers(0, 12, persons) * 31, "D")).to_period("M")
    outcomes = pd.DataFrame(
        {
            "association": assoc,
            "county": county,
            "pseudonym": [f"x{i}" for i in range(persons)],
            "exit_month": exit_month.to_timestamp().where(exited),
            "exit_outcome": pd.Series(
                rng.choice(["work", "studies", "dropped_out"], size=persons), dtype=object
            ).where(exited, None),
            "subsidised_work": rng.random(persons) < 0.2,
            "gender": gender,
            "age_band": age.astype(object),
        }
    )
    return answers, outcomes


def _check(built: BuiltDataset, qi: list[str], k: int, source: pd.DataFrame | None = None) -> None:
    f = built.frame
    if not len(f):
        return
    sizes = persons_per_class(f, qi, source)
    assert int(sizes.min()) >= k, sizes[sizes < k]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    persons=st.integers(1, 150),
    repeats=st.integers(1, 6),
    k=st.integers(2, 6),
    layout=st.sampled_from(["wide", "long"]),
)
def test_property_no_class_under_k_persons(
    seed: int, persons: int, repeats: int, k: int, layout: str
) -> None:
    answers, outcomes = repeated_pool(seed, persons, repeats)
    qi = list(DEFAULT_QUASI_IDENTIFIERS)
    spec = DatasetSpec(layout=layout, k=k, association_codes="coded")  # type: ignore[arg-type]
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    _check(built, qi, k, answers)
    # Repeated questionnaires really were the trap: counted per questionnaire, some pools
    # would pass with fewer than k persons (checked on the released frame's questionnaires).
    assert built.codebook["k_unit"] == "persons"


def test_one_person_many_questionnaires_is_one_person() -> None:
    """Five questionnaires of one person are a class of one person, not five: suppressed."""
    frame = pd.DataFrame(
        {
            "pseudonym": ["x1"] * 5 + ["x2", "x3", "x4", "x5", "x6"],
            "association": ["a"] * 5 + ["b"] * 5,
            "gender": ["woman"] * 10,
        }
    )
    by_rows = k_anonymity(frame, ["association", "gender"], k=5)
    by_persons = k_anonymity(frame, ["association", "gender"], k=5, person="pseudonym")
    assert by_rows.satisfied
    assert not by_persons.satisfied
    assert list(by_persons.at_risk) == [True] * 5 + [False] * 5
    assert sorted(by_persons.classes["n"]) == [1, 5]


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_wide_and_long_hold_the_same_persons_per_class(layout: str) -> None:
    answers, outcomes = repeated_pool(3, 120, 4)
    qi = list(DEFAULT_QUASI_IDENTIFIERS)
    spec = DatasetSpec(layout=layout, k=3)  # type: ignore[arg-type]
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    wide = dataset_build(
        answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=DatasetSpec(k=3)
    )
    _check(built, qi, 3, answers)
    assert set(built.frame["response"]) == set(wide.frame["response"])


def test_codebook_lists_every_quasi_identifier_and_generalisation() -> None:
    answers, outcomes = repeated_pool(11, 60, 3)
    built = dataset_build(
        answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=DatasetSpec(k=5)
    )
    listed = {q["name"]: q for q in built.codebook["disclosure"]}
    assert list(listed) == list(DEFAULT_QUASI_IDENTIFIERS)
    assert {"exit_outcome", "exit_month", "association", "county"} <= set(listed)
    assert listed["gender"]["label_sv"] == "Kön"
    applied = [d for q in listed.values() for d in q["generalisations"]]
    generalised = [c.removeprefix("generalised: ").split(";")[0] for c in built.changes
                   if c.startswith("generalised:")]  # fmt: skip
    assert sorted(applied) == sorted(generalised)
    assert applied, "this pool needs generalisation"
