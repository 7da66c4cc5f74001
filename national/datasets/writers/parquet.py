"""Parquet, row group by row group, with the codebook in the schema metadata. Pure: no
Django."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from national.datasets.columns import used_categories
from national.datasets.spec import BuiltDataset
from national.datasets.writers.text import Progress, chunks

PARQUET_ROW_GROUP_ROWS = 262_144


def parquet_write(
    dataset: BuiltDataset, frame: pd.DataFrame, path: Path, progress: Progress | None = None
) -> None:
    """Row group by row group: only one group is converted to Arrow at a time. Text columns
    stay dictionary-encoded (categorical when read back with pandas), each group carrying only
    the categories it uses (pseudonyms would otherwise repeat every category in every group).
    ``frame``: the dataset as text formats have it (answers null, reason columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    meta = dict(schema.metadata or {})
    meta[b"nns_codebook"] = json.dumps(dataset.codebook, ensure_ascii=False).encode("utf-8")
    schema = schema.with_metadata(meta)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    with pq.ParquetWriter(path, schema) as writer:
        for start, stop in chunks(len(frame), PARQUET_ROW_GROUP_ROWS):
            chunk = frame.iloc[start:stop]
            chunk = chunk.assign(**{c: used_categories(chunk[c].array) for c in categorical})
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            if progress is not None and len(frame):
                progress(stop / len(frame))
