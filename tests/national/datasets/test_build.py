"""Researcher datasets: build (layouts, selection, outcomes, association codes) and
the input shapes it accepts."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from national.datasets import DONT_KNOW_CODE, BuiltDataset, DatasetSpec, dataset_build
from national.datasets.spec import NOT_ANSWERED_CODE
from tests.national.datasets.conftest import INSTRUMENT, QI, min_class, same

# --------------------------------------------------------------------------- build


def test_wide_one_row_per_questionnaire_with_items_and_outcomes(
    frames: tuple[pd.DataFrame, pd.DataFrame], wide: BuiltDataset
) -> None:
    answers, outcomes = frames
    f = wide.frame
    assert f["response"].is_unique
    assert {"p1", "p14", "p26", "exit_outcome", "subsidised_work", "exit_month"} <= set(f.columns)
    assert set(f["response"]) <= set(answers["response"])
    # Values are 1-5, don't know -9, not answered (a row without a value) -8, not on the form
    # NA; they match the source answers.
    src = answers.set_index(["response", "item_code"])
    sample = f.dropna(subset=["p1"]).head(50)
    for _, row in sample.iterrows():
        a = src.loc[(row["response"], "p1")]
        if a["dont_know"]:
            expected = DONT_KNOW_CODE
        else:
            expected = NOT_ANSWERED_CODE if pd.isna(a["value"]) else a["value"]
        assert row["p1"] == expected
    values = pd.concat([f[c] for c in f.columns if c.startswith("p") and c[1].isdigit()])
    assert set(values.dropna().unique()) <= {1, 2, 3, 4, 5, DONT_KNOW_CODE, NOT_ANSWERED_CODE}
    assert (values == DONT_KNOW_CODE).any()
    # Outcomes linked by pseudonym (exit outcome and month not declared quasi-identifiers
    # here: in this small pool, k=5 persons withholds them all, see test_anonymise).
    spec = DatasetSpec(layout="wide", quasi_identifiers=tuple(QI))
    f = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec).frame
    linked = f.dropna(subset=["exit_outcome"])
    assert len(linked) > 0
    assert set(linked["exit_outcome"]) <= set(outcomes["exit_outcome"].dropna())
    # Without a person link no pseudonym is released; the source's says who has none.
    assert "pseudonym" not in f.columns
    person = answers.drop_duplicates("response").set_index("response")["pseudonym"]
    without = person.reindex(f["response"]).isna().to_numpy()
    assert without.any()
    assert f.loc[without, "exit_outcome"].isna().all()


def test_wide_is_k_anonymous_and_changes_recorded(wide: BuiltDataset) -> None:
    assert min_class(wide.frame, QI) >= 5
    # "gamma" has 8 participants: the raw monthly data cannot be 5-anonymous.
    assert wide.changes
    assert any(c.startswith("generalised") or c.startswith("suppressed") for c in wide.changes)
    assert wide.codebook["changes"] == wide.changes


def test_coded_associations_hide_slugs(wide: BuiltDataset) -> None:
    codes = set(wide.frame["association"])
    assert codes <= {"A01", "A02", "A03"}
    text = json.dumps(wide.codebook, ensure_ascii=False, default=str)
    for slug in ("alfa", "beta", "gamma"):
        assert slug not in codes
        assert f'"{slug}"' not in text


def test_long_layout_selects_items_and_is_k_anonymous(long: BuiltDataset) -> None:
    f = long.frame
    assert set(f["item_code"]) <= {"p1", "p14", "p16a"}
    assert not f.duplicated(["response", "item_code"]).any()
    assert set(f["association"]) <= {"alfa", "beta", "gamma"}
    assert min_class(f, QI) >= 5


def test_period_filter(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(period_from=date(2016, 1, 15), period_to=date(2016, 3, 2), k=1)
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    assert set(built.frame["period"]) == {"2016-01", "2016-02", "2016-03"}
    assert built.changes == []


# --------------------------------------------------------------------------- input shapes


def _categorical_frames(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same frames with every text column categorical (as report_store may load them)."""

    def cat(df: pd.DataFrame) -> pd.DataFrame:
        text = [c for c in df.columns if df[c].dtype == object or str(df[c].dtype) == "str"]
        return df.astype({c: "category" for c in text})

    return cat(frames[0]), cat(frames[1])


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_categorical_and_unsorted_input_give_the_same_release(
    frames: tuple[pd.DataFrame, pd.DataFrame], layout: str
) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(layout=layout, association_codes="coded")  # type: ignore[arg-type]
    reference = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    cat_answers, cat_outcomes = _categorical_frames(frames)
    from_categorical = dataset_build(
        answers=cat_answers, outcomes=cat_outcomes, instrument=INSTRUMENT, spec=spec
    )
    same(reference.frame, from_categorical.frame)
    assert from_categorical.changes == reference.changes
    shuffled = answers.sample(frac=1.0, random_state=3).reset_index(drop=True)
    from_shuffled = dataset_build(
        answers=shuffled, outcomes=outcomes.iloc[::-1], instrument=INSTRUMENT, spec=spec
    )
    same(reference.frame, from_shuffled.frame)
    assert from_shuffled.changes == reference.changes


def test_duplicate_answer_keeps_the_first(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(variables=("p1",), k=1)
    one = answers[answers["item_code"] == "p1"].dropna(subset=["value"]).iloc[[0]]
    twice = pd.concat([answers, one.assign(value=pd.array([9], dtype="Int16"))])
    built = dataset_build(answers=twice, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    row = built.frame.set_index("response").loc[one["response"].iloc[0]]
    expected = DONT_KNOW_CODE if one["dont_know"].iloc[0] else one["value"].iloc[0]
    assert row["p1"] == expected


def test_released_text_columns_are_categorical(wide: BuiltDataset) -> None:
    f = wide.frame
    for col in ("association", "county", "period", "gender", "exit_month"):
        assert isinstance(f[col].dtype, pd.CategoricalDtype), col
    assert str(f["p1"].dtype) == "Int16" and str(f["subsidised_work"].dtype) == "boolean"
