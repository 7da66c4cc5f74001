"""CSV (UTF-8, streamed in chunks of rows) and XLSX (openpyxl, whole). Pure: no Django."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from national.datasets.codebook import labels_frame
from national.datasets.spec import BuiltDataset

CSV_CHUNK_ROWS = 50_000
XLSX_MAX_ROWS = 1_048_575  # one header row

Progress = Callable[[float], None]


def chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, n)) for start in range(0, n, size)] or [(0, 0)]


def csv_write(frame: pd.DataFrame, path: Path, progress: Progress | None = None) -> None:
    """UTF-8 CSV in chunks (no full-size text copy); missing as empty, booleans true/false."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        if frame.empty:
            frame.to_csv(fh, index=False)
            return
        for start, stop in chunks(len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start:stop]
            bools = [c for c in chunk.columns if str(chunk[c].dtype) in ("bool", "boolean")]
            if bools:
                chunk = chunk.assign(
                    **{c: chunk[c].map({True: "true", False: "false"}) for c in bools}
                )
            chunk.to_csv(fh, index=False, header=start == 0, lineterminator="\n")
            if progress is not None:
                progress(stop / len(frame))


def xlsx_write(dataset: BuiltDataset, frame: pd.DataFrame, path: Path) -> None:
    """``frame``: the dataset as text formats have it (answers null, reason columns)."""
    if len(frame) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(frame)} rows do not fit in one Excel sheet")
    frame = frame.astype({c: object for c in frame.columns if str(frame[c].dtype) == "boolean"})
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="data", index=False)
        labels_frame(dataset).to_excel(xl, sheet_name="labels", index=False)
