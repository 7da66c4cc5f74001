"""Researcher datasets: disclosure control on random pooled frames (hypothesis): no
equivalence class smaller than k, whatever the data, layout and quasi-identifiers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.datasets import REGION_UNKNOWN, DatasetSpec, dataset_build
from tests.national.datasets.conftest import INSTRUMENT, QI, min_class

# --------------------------------------------------------------------------- property


def _random_pooled(seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    assocs = rng.choice(["a-one", "b-two", "c-three"], size=n, p=[0.6, 0.3, 0.1])
    county = np.where(assocs == "a-one", "01", "03")
    gender = rng.choice(np.array(["woman", "man", "other", "undisclosed", None], dtype=object),
                        size=n, p=[0.45, 0.4, 0.05, 0.05, 0.05])  # fmt: skip
    age = rng.choice(["16-19", "20-24", "25-29", "30-39", "40-49", "50-64"], size=n)
    month = pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.integers(0, 12, n) * 31, "D")
    month = month.to_period("M").to_timestamp()
    items = ["p1", "p3", "p5"]
    rows = {
        "association": np.repeat(assocs, 3),
        "county": np.repeat(county, 3),
        "response": np.repeat(np.arange(n), 3),
        "pseudonym": np.repeat([f"x{i}" for i in range(n)], 3).astype(object),
        "form_code": "participant_during",
        "occasion": "during",
        "period": np.repeat(month, 3),
        "instrument_version": "2015.1",
        "respondent": "participant",
        "gender": np.repeat(gender, 3),
        "age_band": np.repeat(age, 3).astype(object),
        "item_code": np.tile(items, n),
        "value": pd.array(rng.integers(1, 6, 3 * n), dtype="Int16"),
        "dont_know": rng.random(3 * n) < 0.05,
    }
    answers = pd.DataFrame(rows)
    outcomes = pd.DataFrame(
        {
            "association": assocs,
            "county": county,
            "pseudonym": [f"x{i}" for i in range(n)],
            "exit_month": month,
            "exit_outcome": rng.choice(["work", "studies"], size=n).astype(object),
            "subsidised_work": rng.random(n) < 0.2,
            "gender": gender,
            "age_band": age.astype(object),
        }
    )
    return answers, outcomes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 120),
    k=st.integers(2, 8),
    layout=st.sampled_from(["wide", "long"]),
    qi=st.sampled_from([QI, ["association", "gender", "age_band"], ["period", "county"]]),
)
def test_property_no_class_smaller_than_k(
    seed: int, n: int, k: int, layout: str, qi: list[str]
) -> None:
    answers, outcomes = _random_pooled(seed, n)
    spec = DatasetSpec(layout=layout, k=k, quasi_identifiers=tuple(qi),  # type: ignore[arg-type]
                       association_codes="coded")  # fmt: skip
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    f = built.frame
    if len(f):
        assert min_class(f, qi) >= k
    raw = answers.drop_duplicates("response").assign(
        period=lambda d: d["period"].dt.strftime("%Y-%m")
    )
    if min_class(raw, qi) < k:
        assert built.changes
    assert not set(f["association"]) & {"a-one", "b-two", "c-three"}


def test_county_dropped_only_as_last_resort() -> None:
    answers, outcomes = _random_pooled(1, 40)
    spec = DatasetSpec(k=3, quasi_identifiers=("period", "county"))
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    counties = set(built.frame["county"])
    if REGION_UNKNOWN in counties:
        assert any("year" in c for c in built.changes)
