"""Shared data of the researcher-dataset tests (national/datasets/): the project's synthetic
pilot generator converted to the pooled snapshot shape (as in tests/national/test_reports.py),
built wide and long once per module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from national.datasets import BuiltDataset, DatasetSpec, dataset_build
from national.pooled_synthetic import pooled_frames_from_synthetic
from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

ROOT = Path(__file__).resolve().parents[3]
INSTRUMENT = yaml.safe_load((ROOT / "instrument" / "data" / "instrument_v1.yaml").read_text())
QI = ["association", "county", "gender", "age_band", "period"]


def pooled_frames(data: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generator frames in the pooled shape, two counties alternating (test helper)."""
    return pooled_frames_from_synthetic(data, county=lambda n, _slug: "24" if n % 2 == 0 else "25")


SPECS = (
    AssociationSpec(slug="alfa", n_participants=60, activity_names=("A",), n_staff=8),
    AssociationSpec(slug="beta", n_participants=40, activity_names=("A",), n_staff=6),
    AssociationSpec(slug="gamma", n_participants=8, activity_names=("A",), n_staff=2),
)


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pilot_data_generate(
        associations=SPECS, forms=forms_from_instrument(INSTRUMENT), seed=7,
        start=date(2015, 9, 1), end=date(2016, 6, 30),
    )  # fmt: skip
    return pooled_frames(data)


@pytest.fixture(scope="module")
def wide(frames: tuple[pd.DataFrame, pd.DataFrame]) -> BuiltDataset:
    answers, outcomes = frames
    spec = DatasetSpec(layout="wide", association_codes="coded", snapshot_number=3,
                       citation="NNS (2016). Kärnindikatorer, ögonblicksbild 3.")  # fmt: skip
    return dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)


@pytest.fixture(scope="module")
def long(frames: tuple[pd.DataFrame, pd.DataFrame]) -> BuiltDataset:
    answers, outcomes = frames
    spec = DatasetSpec(layout="long", variables=("p1", "p14", "p16a"), snapshot_number=3)
    return dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)


def min_class(frame: pd.DataFrame, qi: list[str]) -> int:
    per_response = frame.drop_duplicates("response")
    sizes = per_response.groupby(qi, dropna=False).size()
    return int(sizes.min()) if len(sizes) else 0


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        left = [None if pd.isna(v) else v for v in a[col]]
        right = [None if pd.isna(v) else v for v in b[col]]
        assert left == right, col
