"""Write a built dataset as csv, xlsx, sav, dta or parquet, always with a Frictionless
``datapackage.json`` and a human-readable ``codebook.html``.

The released frame is held in memory (disclosure control needs all of it); the writers stream
it in chunks of rows: Parquet by row group, CSV by 50,000 rows, and .sav/.dta by 65,536 rows
(:mod:`national.datasets.writers.stat`). Only xlsx (openpyxl) builds the whole file in memory.

Missing values of the answers (values 1–5; :mod:`national.datasets.missing`): don't know and
not answered are missing in every format with their reason kept — SPSS user-missing -9 / -8,
Stata .a / .b, csv / xlsx / parquet empty with a reason column ``<item>_missing``; not asked
(not on the questionnaire's form) is plain missing. csv comes with ``data.sps``, ``data.do``
and ``data.R`` that read it with every label. Pure: no Django.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from national.datasets.codebook import labels_frame
from national.datasets.datapackage import codebook_html, datapackage, json_default
from national.datasets.missing import text_frame
from national.datasets.spec import FORMATS, BuiltDataset
from national.datasets.writers.parquet import parquet_write
from national.datasets.writers.stat import dta_write, sav_write
from national.datasets.writers.syntax import do_syntax, r_syntax, sps_syntax
from national.datasets.writers.text import Progress, csv_write, xlsx_write

__all__ = ["FORMATS", "Progress", "dataset_write", "dataset_write_many"]


def dataset_write(
    *,
    dataset: BuiltDataset,
    fmt: str,
    directory: Path | str,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``dataset`` as ``fmt`` ("csv", "xlsx", "sav", "dta" or "parquet") into
    ``directory`` (created if needed), with ``datapackage.json`` and ``codebook.html``.

    csv: ``data.csv`` (UTF-8, missing = empty, booleans true/false), ``labels.csv`` and the
    syntax files ``data.sps``, ``data.do``, ``data.R``; xlsx: ``data.xlsx`` with sheets
    "data" and "labels"; sav: ``data.sav`` with variable and value labels, formats,
    measurement levels and -9/-8 user-missing; dta: ``data.dta`` with labels, .a/.b (long
    labels shortened at a word, listed in the codebook's notes); parquet: ``data.parquet``
    (codebook JSON in the schema metadata). Returns the written paths, data file first.

    csv, parquet, sav and dta are written in chunks of rows, calling ``progress`` with the
    share of rows written (0–1) after each; xlsx is written whole (openpyxl), then reported.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data_path = out / f"data.{fmt}"
    written = [data_path]
    labels_name: str | None = None
    if fmt == "csv":
        frame = text_frame(dataset)
        csv_write(frame, data_path, progress)
        labels_path = out / "labels.csv"
        csv_write(labels_frame(dataset), labels_path)
        written.append(labels_path)
        labels_name = labels_path.name
        columns = [str(c) for c in frame.columns]
        for suffix, syntax in (("sps", sps_syntax), ("do", do_syntax), ("R", r_syntax)):
            path = out / f"data.{suffix}"
            path.write_text(syntax(dataset, data_path.name, columns), encoding="utf-8")
            written.append(path)
    elif fmt == "xlsx":
        xlsx_write(dataset, text_frame(dataset), data_path)
        if progress is not None:
            progress(1.0)
    elif fmt == "sav":
        sav_write(dataset, data_path, progress)
    elif fmt == "dta":
        dta_write(dataset, data_path, progress)
    else:
        parquet_write(dataset, text_frame(dataset), data_path, progress)
    package = out / "datapackage.json"
    package.write_text(
        json.dumps(
            datapackage(dataset, fmt, data_path.name, labels_name),
            ensure_ascii=False,
            indent=2,
            default=json_default,
        ),
        encoding="utf-8",
    )
    codebook = out / "codebook.html"
    codebook.write_text(codebook_html(dataset), encoding="utf-8")
    return [*written, package, codebook]


def dataset_write_many(
    *,
    dataset: BuiltDataset,
    formats: Sequence[str],
    directory: Path | str,
    progress: Progress | None = None,
) -> list[Path]:
    """Each of ``formats`` into its own folder ``directory/<fmt>/`` (one request, several
    formats). Returns every written path; ``progress`` gets the share of all formats done."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be some of {FORMATS}, not {list(formats)!r}")
    out = Path(directory)
    written: list[Path] = []
    for i, fmt in enumerate(formats):

        def part(done: float, i: int = i) -> None:
            if progress is not None:
                progress((i + done) / len(formats))

        written += dataset_write(dataset=dataset, fmt=fmt, directory=out / fmt, progress=part)
    return written
