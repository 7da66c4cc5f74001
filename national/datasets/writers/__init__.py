"""Write a built dataset as csv, xlsx, sav, dta or parquet, always with a Frictionless
``datapackage.json`` and a human-readable ``codebook.html``.

The released frame is held in memory (disclosure control needs all of it); the writers stream
it in chunks of rows: Parquet by row group, CSV by 50,000 rows, and .sav/.dta by 65,536 rows
(:mod:`national.datasets.writers.stat`). Only xlsx (openpyxl) builds the whole file in memory.

Missing-value codes in item columns (values 1–5): ``-9`` (don't know / not applicable),
labelled in every format and declared user-missing in SPSS; empty / NA / system missing: the
item was not answered (or not on the form). Pure: no Django.
"""

from __future__ import annotations

import json
from pathlib import Path

from national.datasets.codebook import labels_frame
from national.datasets.datapackage import codebook_html, datapackage, json_default
from national.datasets.spec import FORMATS, BuiltDataset
from national.datasets.writers.parquet import parquet_write
from national.datasets.writers.stat import dta_write, sav_write
from national.datasets.writers.text import Progress, csv_write, xlsx_write

__all__ = ["FORMATS", "Progress", "dataset_write"]


def dataset_write(
    *,
    dataset: BuiltDataset,
    fmt: str,
    directory: Path | str,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``dataset`` as ``fmt`` ("csv", "xlsx", "sav", "dta" or "parquet") into
    ``directory`` (created if needed), with ``datapackage.json`` and ``codebook.html``.

    csv: ``data.csv`` (UTF-8, missing = empty, booleans true/false) and ``labels.csv``;
    xlsx: ``data.xlsx`` with sheets "data" and "labels"; sav: ``data.sav`` with Swedish
    variable and value labels and -9 user-missing; dta: ``data.dta`` with labels cut to 80
    characters; parquet: ``data.parquet`` (codebook JSON in the schema metadata).
    Returns the written paths, data file first.

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
        csv_write(dataset.frame, data_path, progress)
        labels_path = out / "labels.csv"
        csv_write(labels_frame(dataset), labels_path)
        written.append(labels_path)
        labels_name = labels_path.name
    elif fmt == "xlsx":
        xlsx_write(dataset, data_path)
        if progress is not None:
            progress(1.0)
    elif fmt == "sav":
        sav_write(dataset, data_path, progress)
    elif fmt == "dta":
        dta_write(dataset, data_path, progress)
    else:
        parquet_write(dataset, data_path, progress)
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
