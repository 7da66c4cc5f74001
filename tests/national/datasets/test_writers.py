"""Researcher datasets: file formats, read back with independent readers: pyreadstat
(sav, dta), pyarrow (parquet), pandas (csv, xlsx) and frictionless (datapackage validation)."""

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

from national.datasets import (
    DONT_KNOW_CODE,
    BuiltDataset,
    DatasetSpec,
    dataset_build,
    dataset_write,
)
from national.datasets.missing import text_frame
from national.datasets.spec import NOT_ANSWERED_CODE
from national.datasets.writers import parquet as parquet_writer
from national.datasets.writers import stat as stat_writer
from tests.national.datasets.conftest import INSTRUMENT, same

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
    assert meta.missing_ranges["p1"][1]["lo"] == NOT_ANSWERED_CODE
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
    assert vl[5] == "Instämmer helt" and vl["a"] == "Vet inte / ej aktuellt"
    codes = meta.variable_value_labels["association"]
    assert [codes[int(v)] for v in df["association"]] == [
        f"Förbund {v}" for v in wide.frame["association"]
    ]


def test_parquet_round_trip(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="parquet", directory=tmp_path)
    table = pq.read_table(paths[0])
    back = table.to_pandas()
    assert list(back.columns) == list(text_frame(wide).columns)
    assert table.schema.field("p1").type == "int16"
    expected = text_frame(wide)
    for col in expected.columns:
        left = [None if pd.isna(v) else v for v in back[col]]
        right = [None if pd.isna(v) else v for v in expected[col]]
        assert left == right, col
    meta = json.loads(table.schema.metadata[b"nns_codebook"])
    assert meta["snapshot"] == 3


def test_csv_round_trip_and_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="csv", directory=tmp_path)
    names = [p.name for p in paths]
    assert names == [
        "data.csv", "labels.csv", "data.sps", "data.do", "data.R", "datapackage.json",
        "codebook.html",
    ]  # fmt: skip
    back = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    f = text_frame(wide)
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
    html = paths[-1].read_text(encoding="utf-8")
    assert "Instämmer helt" in html and "-9" in html and wide.changes[0][:20] in html


def test_csv_long_round_trip(long: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=long, fmt="csv", directory=tmp_path)
    back = pd.read_csv(paths[0], keep_default_na=False, dtype=str)
    assert len(back) == len(long.frame)
    expected = [("" if pd.isna(v) or v < 0 else str(int(v))) for v in long.frame["value"]]
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
    assert list(sheets["data"]["value"].fillna(-1).astype(int)) == [
        -1 if pd.isna(v) or v < 0 else int(v) for v in long.frame["value"]
    ]


def test_unknown_format_and_items_rejected(
    frames: tuple[pd.DataFrame, pd.DataFrame], wide: BuiltDataset, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        dataset_write(dataset=wide, fmt="json", directory=tmp_path)
    with pytest.raises(ValueError):
        dataset_build(answers=frames[0], outcomes=frames[1], instrument=INSTRUMENT,
                      spec=DatasetSpec(variables=("p99",)))  # fmt: skip


# --------------------------------------------------------------------------- fast writers


def _read_stat(path: Path) -> tuple[pd.DataFrame, Any]:
    if path.suffix == ".sav":
        return pyreadstat.read_sav(str(path), user_missing=True)
    return pyreadstat.read_dta(str(path))


def _spy_fast_path(monkeypatch: pytest.MonkeyPatch, fmt: str) -> list[bool]:
    """Records whether each .sav/.dta write took the fast path (True) or fell back."""
    name = "_sav_fill" if fmt == "sav" else "_dta_fill"
    fill = getattr(stat_writer, name)
    taken: list[bool] = []

    def spy(*args: Any) -> bool:
        taken.append(fill(*args))
        return taken[-1]

    monkeypatch.setattr(stat_writer, name, spy)
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
    dataset = wide if layout == "wide" else long
    if layout == "wide" and fmt == "dta":
        # pyreadstat's own writer sniffs an object column's type from its first 100 values
        # (narwhals): a column of only NaN and "a"/"b" there is taken for text and fails.
        # The reference is written for the items that have numbers among their first 100.
        head = wide.frame.head(100)
        cols = [c for c in wide.frame.columns if not c[1:2].isdigit() or head[c].gt(0).any()]
        assert {"p1", "p14"} <= set(cols)
        variables = [v for v in wide.codebook["variables"] if v["name"] in cols]
        codebook = {**wide.codebook, "variables": variables}
        dataset = BuiltDataset(frame=wide.frame[cols], changes=wide.changes, codebook=codebook)
    write = stat_writer.sav_write if fmt == "sav" else stat_writer.dta_write
    taken = _spy_fast_path(monkeypatch, fmt)
    monkeypatch.setattr(stat_writer, "STAT_CHUNK_ROWS", 100)  # several chunks
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
    measure: dict[str, Any] = {"measure": "nominal"}
    scale = {"1": {"sv": "Inte alls", "en": "Not at all"}, "5": {"sv": "Helt", "en": "Fully"}}
    scale.update(missing)
    variables = [
        {"name": "response", "type": "integer", "label_sv": "Svar", "label_en": "Response"},
        {"name": "town", "type": "string", "label_sv": "Ort", "label_en": "Town"},
        {"name": "note", "type": "string", "label_sv": "Anteckning", "label_en": "Note"},
        {"name": "flag", "type": "boolean", "label_sv": "Flagga", "label_en": "Flag"},
        {
            "name": "p1",
            "type": "integer",
            "label_sv": "Fråga 1",
            "label_en": "Item 1",
            "value_labels": scale,
            "missing_values": missing,
        },
    ]
    variables = [{**measure, **v} for v in variables]  # type: ignore[dict-item]
    codebook = {"variables": variables, "title_sv": "Test", "title_en": "Test"}
    return BuiltDataset(frame=frame, changes=[], codebook=codebook)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 257])
def test_stat_writers_on_odd_columns(
    tmp_path: Path, fmt: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both paths agree; .sav falls back to pyreadstat for strings over 255 bytes (SPSS splits
    those into segments), .dta keeps the fast path (str# up to 2045 bytes)."""
    dataset = _odd_dataset(n)
    write = stat_writer.sav_write if fmt == "sav" else stat_writer.dta_write
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
        if fmt == "dta":  # don't know is Stata's .a, read back as missing
            expected[expected == DONT_KNOW_CODE] = np.nan
        np.testing.assert_array_equal(fast["p1"].to_numpy(dtype=float), expected)
        flags = f["flag"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(fast["flag"].to_numpy(dtype=float), flags)
    dk = DONT_KNOW_CODE if fmt == "sav" else "a"
    assert meta.variable_value_labels["p1"][dk] == "Vet inte"
    assert dict(zip(meta.column_names, meta.column_labels, strict=True))["p1"] == "Fråga 1"


def test_parquet_row_groups_round_trip(
    wide: BuiltDataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_writer, "PARQUET_ROW_GROUP_ROWS", 50)
    seen: list[float] = []
    paths = dataset_write(dataset=wide, fmt="parquet", directory=tmp_path, progress=seen.append)
    meta = pq.ParquetFile(paths[0]).metadata
    assert meta.num_row_groups == -(-len(wide.frame) // 50)
    same(pq.read_table(paths[0]).to_pandas(), text_frame(wide))
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
