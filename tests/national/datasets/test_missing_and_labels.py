"""Missing values and labels as a statistician meets them (issue 15): every format read back
with an independent reader (pyreadstat for .sav/.dta, pyarrow, pandas for csv/xlsx, R for
the CSV with data.R): don't know and not answered are missing with their reason, a naive mean
equals the mean of the real answers, and the labels are the instrument's and vocabulary's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from national.datasets import BuiltDataset, DatasetSpec, dataset_build, dataset_write
from national.datasets.spec import DONT_KNOW_CODE, NOT_ANSWERED_CODE, instrument_items
from tests.national.datasets.conftest import INSTRUMENT
from vocabulary import label

STATEMENTS = {it.code: it for it in instrument_items(INSTRUMENT)}
SCALE = {int(x["value"]): x for x in INSTRUMENT["scale"]["labels"]}


def real_mean(dataset: BuiltDataset, column: str) -> float:
    """Mean of the answers 1–5 only, from the built frame (codes -9/-8 and NA left out)."""
    values = dataset.frame[column].dropna().astype(int)
    return float(values[values > 0].mean())


def codes_of(dataset: BuiltDataset, column: str) -> tuple[int, int]:
    values = dataset.frame[column]
    return int((values == DONT_KNOW_CODE).sum()), int((values == NOT_ANSWERED_CODE).sum())


def test_fixture_has_both_kinds_of_missing(wide: BuiltDataset) -> None:
    dk, na = codes_of(wide, "p1")
    assert dk > 0 and na > 0
    assert real_mean(wide, "p1") != pytest.approx(float(wide.frame["p1"].dropna().mean()))


def test_sav_user_missing_labels_formats_and_measures(wide: BuiltDataset, tmp_path: Path) -> None:
    path = dataset_write(dataset=wide, fmt="sav", directory=tmp_path)[0]
    df, meta = pyreadstat.read_sav(str(path))  # default: user-missing read as NaN
    assert df["p1"].mean() == pytest.approx(real_mean(wide, "p1"))
    raw, meta = pyreadstat.read_sav(str(path), user_missing=True)
    dk, na = codes_of(wide, "p1")
    assert int((raw["p1"] == -9).sum()) == dk and int((raw["p1"] == -8).sum()) == na
    vl = meta.variable_value_labels["p1"]
    assert vl[-9] == label("missing", "dont_know") and vl[-8] == label("missing", "not_answered")
    assert vl[1] == SCALE[1]["sv"] and vl[5] == SCALE[5]["sv"]
    assert meta.original_variable_types["p1"] == "F2.0"
    assert meta.original_variable_types["subsidised_work"] == "F1.0"
    digits = len(str(int(wide.frame["response"].max())))
    assert meta.original_variable_types["response"] == f"F{digits}.0"
    assert meta.variable_measure["p1"] == "ordinal"
    assert meta.variable_measure["gender"] == "nominal"
    assert meta.variable_measure["age_band"] == "ordinal"
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["p1"] == STATEMENTS["p1"].statement_sv
    assert labels["gender"] == "Kön"
    assert meta.file_label == "NNS kärnindikatorer – forskardataset"
    # Categoricals numeric-coded, labelled from the vocabulary.
    for column, kind in (("gender", "gender"), ("form_code", "form"), ("occasion", "occasion"),
                         ("exit_outcome", "exit_outcome"), ("county", "county")):  # fmt: skip
        assert pd.api.types.is_float_dtype(raw[column]), column
        value_labels = meta.variable_value_labels.get(column, {})  # none if all withheld
        back = [value_labels[int(v)] if pd.notna(v) else None for v in raw[column]]
        expected = [label(kind, v) if pd.notna(v) else None for v in wide.frame[column]]
        assert back == expected, column
    assert {int(v) for v in raw["county"].dropna()} <= {24, 25, 99}


def test_dta_extended_missing_and_swedish_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    path = dataset_write(dataset=wide, fmt="dta", directory=tmp_path)[0]
    df, meta = pyreadstat.read_dta(str(path))
    assert df["p1"].mean() == pytest.approx(real_mean(wide, "p1"))
    raw, meta = pyreadstat.read_dta(str(path), user_missing=True)
    dk, na = codes_of(wide, "p1")
    assert int((raw["p1"] == "a").sum()) == dk and int((raw["p1"] == "b").sum()) == na
    vl = meta.variable_value_labels["p1"]
    assert vl["a"] == label("missing", "dont_know") and vl["b"] == label("missing", "not_answered")
    assert meta.file_label == "NNS kärnindikatorer – forskardataset"  # Swedish, as the .sav
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    for code, it in STATEMENTS.items():
        if code not in labels:
            continue
        assert len(labels[code]) <= 80
        if len(it.statement_sv) <= 80:
            assert labels[code] == it.statement_sv
        else:  # shortened at a word, never silently: the codebook notes it in full
            assert labels[code].endswith("…")
            assert it.statement_sv.startswith(labels[code][:-1])
            notes = [n for n in wide.codebook["notes"] if n["variable"] == code]
            assert notes and it.statement_sv in notes[0]["sv"]
    gender = meta.variable_value_labels["gender"]
    assert {gender[int(v)] for v in raw["gender"].dropna()} <= {
        label("gender", g) for g in ("woman", "man", "other", "undisclosed", "other_or_undisclosed")
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx"])
def test_text_formats_null_with_reason(wide: BuiltDataset, tmp_path: Path, fmt: str) -> None:
    path = dataset_write(dataset=wide, fmt=fmt, directory=tmp_path)[0]
    if fmt == "parquet":
        back = pq.read_table(path).to_pandas()
    elif fmt == "csv":
        back = pd.read_csv(path)
    else:
        back = pd.read_excel(path, sheet_name="data")
    assert back["p1"].mean() == pytest.approx(real_mean(wide, "p1"))
    dk, na = codes_of(wide, "p1")
    reasons = back["p1_missing"].astype(object)
    assert int((reasons == "dont_know").sum()) == dk
    assert int((reasons == "not_answered").sum()) == na
    not_asked = int(wide.frame["p1"].isna().sum())
    assert int((reasons == "not_asked").sum()) == not_asked
    assert back["p1"].isna().sum() == dk + na + not_asked
    assert (reasons[back["p1"].notna()].isna()).all()


def test_long_layout_value_missing(long: BuiltDataset, tmp_path: Path) -> None:
    path = dataset_write(dataset=long, fmt="sav", directory=tmp_path)[0]
    df, meta = pyreadstat.read_sav(str(path))
    assert df["value"].mean() == pytest.approx(real_mean(long, "value"))
    item = meta.variable_value_labels["item_code"]
    assert {item[int(v)] for v in df["item_code"]} <= {
        it.statement_sv for it in STATEMENTS.values()
    }


def test_english_labels_on_request(
    frames: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    answers, outcomes = frames
    spec = DatasetSpec(variables=("p1", "p14"), language="en")
    built = dataset_build(answers=answers, outcomes=outcomes, instrument=INSTRUMENT, spec=spec)
    path = dataset_write(dataset=built, fmt="sav", directory=tmp_path)[0]
    _, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["p1"] == STATEMENTS["p1"].statement_en and labels["gender"] == "Gender"
    assert meta.variable_value_labels["p1"][5] == SCALE[5]["en"]
    assert meta.variable_value_labels["p1"][-9] == label("missing", "dont_know", "en")
    assert meta.file_label == "NNS core indicators – researcher dataset"


def test_syntax_files_beside_the_csv(wide: BuiltDataset, tmp_path: Path) -> None:
    paths = dataset_write(dataset=wide, fmt="csv", directory=tmp_path)
    sps = (tmp_path / "data.sps").read_text(encoding="utf-8")
    do = (tmp_path / "data.do").read_text(encoding="utf-8")
    assert tmp_path / "data.R" in paths
    assert "MISSING VALUES p1 (-9, -8)." in sps
    assert "IF (p1_missing = 'dont_know') p1 = -9." in sps
    assert f"  p1 '{STATEMENTS['p1'].statement_sv}'" in sps
    assert "VARIABLE LEVEL" in sps and "(ORDINAL)" in sps
    assert 'replace p1 = .a if p1_missing == "dont_know"' in do
    assert 'replace p1 = .b if p1_missing == "not_answered"' in do
    long_item = next(
        c for c, it in STATEMENTS.items() if len(it.statement_sv) > 80 and c in wide.frame
    )
    assert f"notes {long_item}: {STATEMENTS[long_item].statement_sv}" in do


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R not installed")
def test_r_script_reads_the_csv_with_labels(wide: BuiltDataset, tmp_path: Path) -> None:
    dataset_write(dataset=wide, fmt="csv", directory=tmp_path)
    check = tmp_path / "check.R"
    check.write_text(
        'source("data.R", encoding = "UTF-8")\n'
        'cat(sprintf("%.10f\\n", mean(d$p1, na.rm = TRUE)))\n'
        'cat(attr(d$p1, "label"), "\\n", sep = "")\n'
        'cat(sum(d$p1_missing == "Vet inte / ej aktuellt", na.rm = TRUE), "\\n")\n'
        'cat(levels(d$gender)[1], "\\n", sep = "")\n'
        'cat(class(d$county), "\\n", sep = "")\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        ["Rscript", "--vanilla", str(check)], cwd=tmp_path, capture_output=True, text=True,
        check=True, timeout=120,
    ).stdout.splitlines()  # fmt: skip
    assert float(out[0]) == pytest.approx(real_mean(wide, "p1"))
    assert out[1] == STATEMENTS["p1"].statement_sv
    assert int(out[2]) == codes_of(wide, "p1")[0]
    assert out[3] == label("gender", "woman")
    assert out[4] == "factor"


def test_labels_never_cut_silently_in_codebook(wide: BuiltDataset) -> None:
    long_ones = [c for c, it in STATEMENTS.items() if len(it.statement_sv) > 80 and c in wide.frame]
    assert long_ones
    noted = {n["variable"] for n in wide.codebook["notes"]}
    assert set(long_ones) <= noted
    by_name = {v["name"]: v for v in wide.codebook["variables"]}
    for code in long_ones:
        assert by_name[code]["label_sv"] == STATEMENTS[code].statement_sv
        assert np.char.str_len(by_name[code]["label_stata"]) <= 80
