"""Researcher datasets (national/datasets.py): build, disclosure control and file formats.

Data: the project's synthetic pilot generator converted to the pooled snapshot shape (as in
tests/national/test_reports.py), plus small random pooled frames for the hypothesis property.
Files are read back with independent readers: pyreadstat (sav, dta), pyarrow (parquet),
pandas (csv, xlsx) and frictionless (datapackage validation).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from national.datasets import (
    DONT_KNOW_CODE,
    REGION_UNKNOWN,
    BuiltDataset,
    DatasetSpec,
    dataset_build,
    dataset_write,
)
from national.pooled_synthetic import pooled_frames_from_synthetic
from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

ROOT = Path(__file__).resolve().parents[2]
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


def _min_class(frame: pd.DataFrame, qi: list[str]) -> int:
    per_response = frame.drop_duplicates("response")
    sizes = per_response.groupby(qi, dropna=False).size()
    return int(sizes.min()) if len(sizes) else 0


# --------------------------------------------------------------------------- build


def test_wide_one_row_per_questionnaire_with_items_and_outcomes(
    frames: tuple[pd.DataFrame, pd.DataFrame], wide: BuiltDataset
) -> None:
    answers, outcomes = frames
    f = wide.frame
    assert f["response"].is_unique
    assert {"p1", "p14", "p26", "exit_outcome", "subsidised_work", "exit_month"} <= set(f.columns)
    assert set(f["response"]) <= set(answers["response"])
    # Values are 1-5, don't know is -9, not answered is NA; they match the source answers.
    src = answers.set_index(["response", "item_code"])
    sample = f.dropna(subset=["p1"]).head(50)
    for _, row in sample.iterrows():
        a = src.loc[(row["response"], "p1")]
        expected = DONT_KNOW_CODE if a["dont_know"] else a["value"]
        assert row["p1"] == expected
    values = pd.concat([f[c] for c in f.columns if c.startswith("p") and c[1].isdigit()])
    assert set(values.dropna().unique()) <= {1, 2, 3, 4, 5, DONT_KNOW_CODE}
    assert (values == DONT_KNOW_CODE).any()
    # Outcomes linked by pseudonym.
    linked = f.dropna(subset=["exit_outcome"])
    assert len(linked) > 0
    assert set(linked["exit_outcome"]) <= set(outcomes["exit_outcome"].dropna())
    assert f.loc[f["pseudonym"].isna(), "exit_outcome"].isna().all()


def test_wide_is_k_anonymous_and_changes_recorded(wide: BuiltDataset) -> None:
    assert _min_class(wide.frame, QI) >= 5
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
    assert _min_class(f, QI) >= 5


def test_period_filter(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(period_from=date(2016, 1, 15), period_to=date(2016, 3, 2), k=1)
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    assert set(built.frame["period"]) == {"2016-01", "2016-02", "2016-03"}
    assert built.changes == []


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
        assert _min_class(f, qi) >= k
    raw = answers.drop_duplicates("response").assign(
        period=lambda d: d["period"].dt.strftime("%Y-%m")
    )
    if _min_class(raw, qi) < k:
        assert built.changes
    assert not set(f["association"]) & {"a-one", "b-two", "c-three"}


def test_county_dropped_only_as_last_resort() -> None:
    answers, outcomes = _random_pooled(1, 40)
    spec = DatasetSpec(k=3, quasi_identifiers=("period", "county"))
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    counties = set(built.frame["county"])
    if REGION_UNKNOWN in counties:
        assert any("year" in c for c in built.changes)


# --------------------------------------------------------------------------- formats


def test_sav_keeps_variable_and_value_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="sav", directory=tmp_path)
    assert [p.name for p in paths] == ["data.sav", "datapackage.json", "codebook.html"]
    df, meta = pyreadstat.read_sav(str(paths[0]), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["p1"] == "Jag får stödet på ett sätt som är till nytta för mig."
    vl = meta.variable_value_labels["p1"]
    assert vl[1] == "Instämmer inte alls" and vl[5] == "Instämmer helt"
    assert vl[DONT_KNOW_CODE] == "Vet inte / ej aktuellt"
    assert meta.missing_ranges["p1"][0]["lo"] == DONT_KNOW_CODE
    assert len(df) == len(wide.frame)
    expected = wide.frame["p14"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(df["p14"].to_numpy(dtype=float), expected)


def test_dta_keeps_variable_and_value_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="dta", directory=tmp_path)
    df, meta = pyreadstat.read_dta(str(paths[0]))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert all(len(lab) <= 80 for lab in labels.values() if lab)
    assert labels["p1"] == "Jag får stödet på ett sätt som är till nytta för mig."
    assert labels["p16a"].startswith("Jag upplever att de jag samverkar")
    vl = meta.variable_value_labels["p1"]
    assert vl[5] == "Instämmer helt" and vl[DONT_KNOW_CODE] == "Vet inte / ej aktuellt"
    assert list(df["association"]) == list(wide.frame["association"])


def test_parquet_round_trip(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="parquet", directory=tmp_path)
    table = pq.read_table(paths[0])
    back = table.to_pandas()
    assert list(back.columns) == list(wide.frame.columns)
    assert table.schema.field("p1").type == "int16"
    for col in wide.frame.columns:
        left = [None if pd.isna(v) else v for v in back[col]]
        right = [None if pd.isna(v) else v for v in wide.frame[col]]
        assert left == right, col
    meta = json.loads(table.schema.metadata[b"nns_codebook"])
    assert meta["snapshot"] == 3


def test_csv_round_trip_and_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="csv", directory=tmp_path)
    names = [p.name for p in paths]
    assert names == ["data.csv", "labels.csv", "datapackage.json", "codebook.html"]
    back = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    f = wide.frame
    assert list(back.columns) == list(f.columns)
    for col in ("p1", "p14", "response"):
        expected = [("" if pd.isna(v) else str(int(v))) for v in f[col]]
        assert list(back[col]) == expected
    assert list(back["association"]) == list(f["association"])
    sw = [("" if pd.isna(v) else str(bool(v)).lower()) for v in f["subsidised_work"]]
    assert list(back["subsidised_work"]) == sw
    labels = pd.read_csv(paths[1], dtype=str, keep_default_na=False)
    p1 = labels[(labels["variable"] == "p1") & (labels["kind"] == "variable")]
    assert p1["label_en"].iloc[0] == "I get the support in a way that is useful to me."
    html = paths[3].read_text(encoding="utf-8")
    assert "Instämmer helt" in html and "-9" in html and wide.changes[0][:20] in html


def test_csv_long_round_trip(long: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=long, fmt="csv", directory=tmp_path)
    back = pd.read_csv(paths[0], keep_default_na=False, dtype=str)
    assert len(back) == len(long.frame)
    expected = [("" if pd.isna(v) else str(int(v))) for v in long.frame["value"]]
    assert list(back["value"]) == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_datapackage_validates(wide: BuiltDataset, tmp_path: Path, fmt: str) -> None:
    import frictionless

    paths = dataset_write(dataset=wide, fmt=fmt, directory=tmp_path)
    package = tmp_path / "datapackage.json"
    assert package in paths
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    meta = json.loads(package.read_text(encoding="utf-8"))
    assert meta["instrument_version"] == "2015.1" and meta["snapshot"] == 3
    assert meta["citation"].startswith("NNS (2016)")
    fields = {f["name"]: f for f in meta["resources"][0]["schema"]["fields"]}
    assert fields["p1"]["statement_sv"].startswith("Jag får stödet")
    assert fields["p1"]["statement_en"].startswith("I get the support")


def test_xlsx_has_data_and_labels(long: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=long, fmt="xlsx", directory=tmp_path)
    sheets = pd.read_excel(paths[0], sheet_name=None)
    assert set(sheets) == {"data", "labels"}
    assert len(sheets["data"]) == len(long.frame)
    assert list(sheets["data"]["value"].fillna(-1).astype(int)) == list(
        long.frame["value"].fillna(-1).astype(int)
    )


def test_unknown_format_and_items_rejected(
    frames: tuple[pd.DataFrame, pd.DataFrame], wide: BuiltDataset, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        dataset_write(dataset=wide, fmt="json", directory=tmp_path)
    with pytest.raises(ValueError):
        dataset_build(answers=frames[0], outcomes=frames[1], instrument=INSTRUMENT,
                      spec=DatasetSpec(variables=("p99",)))  # fmt: skip


# --------------------------------------------------------------------------- input shapes


def _categorical_frames(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same frames with every text column categorical (as report_store may load them)."""

    def cat(df: pd.DataFrame) -> pd.DataFrame:
        text = [c for c in df.columns if df[c].dtype == object or str(df[c].dtype) == "str"]
        return df.astype({c: "category" for c in text})

    return cat(frames[0]), cat(frames[1])


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        left = [None if pd.isna(v) else v for v in a[col]]
        right = [None if pd.isna(v) else v for v in b[col]]
        assert left == right, col


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
    _same(reference.frame, from_categorical.frame)
    assert from_categorical.changes == reference.changes
    shuffled = answers.sample(frac=1.0, random_state=3).reset_index(drop=True)
    from_shuffled = dataset_build(
        answers=shuffled, outcomes=outcomes.iloc[::-1], instrument=INSTRUMENT, spec=spec
    )
    _same(reference.frame, from_shuffled.frame)
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
    for col in ("association", "county", "period", "gender", "pseudonym", "exit_month"):
        assert isinstance(f[col].dtype, pd.CategoricalDtype), col
    assert str(f["p1"].dtype) == "Int16" and str(f["subsidised_work"].dtype) == "boolean"


# --------------------------------------------------------------------------- fast writers


def _read_stat(path: Path) -> tuple[pd.DataFrame, Any]:
    if path.suffix == ".sav":
        return pyreadstat.read_sav(str(path), user_missing=True)
    return pyreadstat.read_dta(str(path))


def _spy_fast_path(monkeypatch: pytest.MonkeyPatch, fmt: str) -> list[bool]:
    """Records whether each .sav/.dta write took the fast path (True) or fell back."""
    from national import datasets

    name = "_sav_fill" if fmt == "sav" else "_dta_fill"
    fill = getattr(datasets, name)
    taken: list[bool] = []

    def spy(*args: Any) -> bool:
        taken.append(fill(*args))
        return taken[-1]

    monkeypatch.setattr(datasets, name, spy)
    return taken


STAT_META = (
    "column_names",
    "column_labels",
    "variable_value_labels",
    "missing_ranges",
    "number_rows",
    "readstat_variable_types",
    "variable_storage_width",
    "file_label",
)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_fast_stat_writer_equals_pyreadstat_row_by_row(
    wide: BuiltDataset,
    long: BuiltDataset,
    tmp_path: Path,
    fmt: str,
    layout: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows encoded with numpy read back exactly like pyreadstat's own (slow) writing, and
    the fast path is really taken (not the fallback)."""
    from national import datasets

    dataset = wide if layout == "wide" else long
    write = datasets._sav_write if fmt == "sav" else datasets._dta_write
    taken = _spy_fast_path(monkeypatch, fmt)
    monkeypatch.setattr(datasets, "STAT_CHUNK_ROWS", 100)  # several chunks
    seen: list[float] = []
    write(dataset, tmp_path / f"fast.{fmt}", seen.append)
    write(dataset, tmp_path / f"slow.{fmt}", fast=False)
    assert taken == [True]
    assert seen == sorted(seen) and seen[-1] == 1.0
    fast, fast_meta = _read_stat(tmp_path / f"fast.{fmt}")
    slow, slow_meta = _read_stat(tmp_path / f"slow.{fmt}")
    pd.testing.assert_frame_equal(fast, slow)
    for attr in STAT_META:
        assert getattr(fast_meta, attr) == getattr(slow_meta, attr), attr
    assert len(fast) == len(dataset.frame)


def _odd_dataset(n: int) -> BuiltDataset:
    """Text with non-ASCII, missing and a 300-byte value; nullable ints and booleans."""
    rng = np.random.default_rng(5)
    town = np.array(["Göteborg", "Malmö", None, "Åre", "x" * 300], dtype=object)
    frame = pd.DataFrame(
        {
            "response": np.arange(n, dtype=np.int64),
            "town": pd.Categorical(town[rng.integers(0, 4, n)]),
            "note": pd.Series(town[rng.integers(0, 5, n)], dtype=object),
            "p1": pd.array(rng.choice([1, 5, DONT_KNOW_CODE, None], n), dtype="Int16"),
            "flag": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        }
    )
    missing = {str(DONT_KNOW_CODE): {"sv": "Vet inte", "en": "Don't know"}}
    scale = {"1": {"sv": "Inte alls", "en": "Not at all"}, "5": {"sv": "Helt", "en": "Fully"}}
    scale.update(missing)
    variables = [
        {"name": "response", "type": "integer", "label_sv": "Svar", "label_en": "Response"},
        {"name": "town", "type": "string", "label_sv": "Ort", "label_en": "Town"},
        {"name": "note", "type": "string", "label_sv": "Anteckning", "label_en": "Note"},
        {
            "name": "p1",
            "type": "integer",
            "label_sv": "Fråga 1",
            "label_en": "Item 1",
            "value_labels": scale,
            "missing_values": missing,
        },
        {"name": "flag", "type": "boolean", "label_sv": "Flagga", "label_en": "Flag"},
    ]
    codebook = {"variables": variables, "title_sv": "Test", "title_en": "Test"}
    return BuiltDataset(frame=frame, changes=[], codebook=codebook)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 257])
def test_stat_writers_on_odd_columns(
    tmp_path: Path, fmt: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both paths agree; .sav falls back to pyreadstat for strings over 255 bytes (SPSS splits
    those into segments), .dta keeps the fast path (str# up to 2045 bytes)."""
    from national import datasets

    dataset = _odd_dataset(n)
    write = datasets._sav_write if fmt == "sav" else datasets._dta_write
    taken = _spy_fast_path(monkeypatch, fmt)
    write(dataset, tmp_path / f"fast.{fmt}")
    very_long = dataset.frame["note"].str.len().max() > 255
    assert taken == [fmt == "dta" or not very_long]
    write(dataset, tmp_path / f"slow.{fmt}", fast=False)
    fast, meta = _read_stat(tmp_path / f"fast.{fmt}")
    slow, _ = _read_stat(tmp_path / f"slow.{fmt}")
    pd.testing.assert_frame_equal(fast, slow)
    assert len(fast) == n
    if n:
        f = dataset.frame
        assert list(fast["town"]) == [("" if pd.isna(v) else v) for v in f["town"]]
        assert list(fast["note"]) == [("" if pd.isna(v) else v) for v in f["note"]]
        expected = f["p1"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(fast["p1"].to_numpy(dtype=float), expected)
        flags = f["flag"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(fast["flag"].to_numpy(dtype=float), flags)
    assert meta.variable_value_labels["p1"][DONT_KNOW_CODE] == "Vet inte"
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["p1"] == "Fråga 1"


def test_parquet_row_groups_round_trip(
    wide: BuiltDataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from national import datasets

    monkeypatch.setattr(datasets, "PARQUET_ROW_GROUP_ROWS", 50)
    seen: list[float] = []
    paths = dataset_write(dataset=wide, fmt="parquet", directory=tmp_path, progress=seen.append)
    meta = pq.ParquetFile(paths[0]).metadata
    assert meta.num_row_groups == -(-len(wide.frame) // 50)
    _same(pq.read_table(paths[0]).to_pandas(), wide.frame)
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_empty_release_writes_every_format(
    frames: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(period_from=date(2030, 1, 1))
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    assert built.frame.empty
    for fmt in ("csv", "xlsx", "sav", "dta", "parquet"):
        paths = dataset_write(dataset=built, fmt=fmt, directory=tmp_path / fmt)
        assert paths[0].exists()
    assert len(pq.read_table(tmp_path / "parquet" / "data.parquet")) == 0
    assert len(pyreadstat.read_sav(str(tmp_path / "sav" / "data.sav"))[0]) == 0
