"""Inputs, formatting and output types of the national reports."""

from __future__ import annotations

import json

import pandas as pd

from national.reports import (
    InstrumentMap,
    PooledSnapshot,
    association_results_all,
    benchmark_report,
    half_year,
    instrument_map_from_yaml,
    mean_text,
    reliability_report,
    share_text,
    validity_report,
)
from tests.national.reports._data import (
    INSTRUMENT,
    TARGETS,
    K,
)


def test_instrument_map_from_yaml():
    inst = instrument_map_from_yaml(INSTRUMENT)
    assert isinstance(inst, InstrumentMap)
    assert len(inst.point_indicator) == 26 and len(inst.item_point) == 28
    assert len(set(inst.point_indicator.values())) == 15
    assert inst.item_point["p16b"] == 16 and inst.point_indicator[16] == 8
    assert inst.point_items(17) == ["p17a", "p17b", "p17c"] and inst.point_items(20) == []
    assert inst.form_items["board"] == ["p21", "p24", "p25"]
    assert (inst.scale_min, inst.scale_max) == (1, 5)


def test_swedish_formatting():
    assert share_text(18, 24) == "75 % (18/24)"
    assert share_text(1, 8) == "13 % (1/8)"  # 12.5 rounds half up
    assert share_text(0, 7) == "0 % (0/7)" and share_text(7, 7) == "100 % (7/7)"
    assert mean_text(3.84, 24) == "3,8 (n = 24)"
    labels = half_year(pd.Series(pd.to_datetime(["2016-06-01", "2016-07-01", None])))
    assert labels.tolist()[:2] == ["2016H1", "2016H2"] and pd.isna(labels.iloc[2])
    assert list(labels.cat.categories) == ["2016H1", "2016H2"]  # in time order


def test_reports_are_json_serialisable(bench, reliability, validity, own_results):
    for report in (bench, reliability, validity, *own_results.values()):
        assert json.loads(json.dumps(report, allow_nan=False)) == report


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """String columns as categoricals, as ``report_store.snapshot_frames`` delivers them."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].astype("category")
    return out


def test_reports_do_not_depend_on_string_dtypes(snapshot):
    """Categorical columns (the database path) and object columns (tests) give equal reports."""
    as_categories = PooledSnapshot(
        answers=_categorical(snapshot.answers),
        outcomes=_categorical(snapshot.outcomes),
        instrument=snapshot.instrument,
    )
    fresh = PooledSnapshot(
        answers=snapshot.answers, outcomes=snapshot.outcomes, instrument=snapshot.instrument
    )
    assert isinstance(as_categories.answers["association"].dtype, pd.CategoricalDtype)
    for snap_a, snap_b in [(fresh, as_categories)]:
        assert benchmark_report(snap_a, TARGETS, k=K) == benchmark_report(snap_b, TARGETS, k=K)
        assert reliability_report(snap_a, k=K) == reliability_report(snap_b, k=K)
        assert association_results_all(snap_a, TARGETS, k=K) == association_results_all(
            snap_b, TARGETS, k=K
        )
        assert (
            validity_report(snap_a, k=K)["known_groups"]
            == validity_report(snap_b, k=K)["known_groups"]
        )
