"""Report output helpers: JSON-ready values, records, suppressed entries and their reasons."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson
import pandas as pd
from numpy.typing import NDArray

from national.reports.inputs import COMPLEMENTARY, N_BELOW_K, Json
from stats import line_mask


@contextmanager
def quiet() -> Iterator[None]:
    """Degenerate groups (constant items, empty pairs) give NaN with RuntimeWarnings in the
    statistics; the NaN become None in the report."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


_ORJSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def to_json(obj: Any) -> Any:
    """Plain Python types only: NaN/inf -> None, numpy scalars -> int/float/bool, timestamps ->
    ISO text. Done by a round trip through orjson (which writes NaN and infinities as null and
    numpy scalars natively; ~30x faster than walking the reports in Python, ~4x faster than
    the standard library's C codec)."""
    try:
        text = orjson.dumps(obj, default=_json_scalar, option=_ORJSON_OPTIONS)
    except TypeError:  # keys JSON cannot take (numpy scalars): walk it
        return _json_walk(obj)
    return orjson.loads(text)


def _json_scalar(obj: Any) -> Any:
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    return str(obj)


def _json_walk(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(key): _json_walk(v) for key, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_walk(v) for v in obj]
    if obj is None or obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return num(obj)
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    if isinstance(obj, str):
        return obj
    return str(obj)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` without pandas' per-value boxing (a hot path)."""
    columns = [str(c) for c in frame.columns]
    # numbers as Python scalars in one C pass (tolist); anything else as objects
    values = [
        frame[c].to_numpy().tolist()
        if frame[c].dtype.kind in "fiub"
        else frame[c].to_numpy(dtype=object)
        for c in frame.columns
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def suppressed_copy(entry: Json, keep: Iterable[str], reason: str) -> Json:
    """The entry with every value outside ``keep`` set to None (lists emptied)."""
    kept = set(keep)
    out: Json = {}
    for key, v in entry.items():
        if key in kept:
            out[key] = v
        elif isinstance(v, list):
            out[key] = []
        elif isinstance(v, str) and key in {"signal"}:
            out[key] = "grey"
        elif isinstance(v, bool):
            out[key] = False
        else:
            out[key] = None
    out["suppressed"] = True
    out["reason"] = reason
    return out


def line_reasons(
    n: Sequence[int] | NDArray[np.integer], k: int, *, zero_published: bool = False
) -> list[str | None]:
    """Suppression reasons (``n_below_k``, ``complementary``, None = publish) for groups whose
    total is published: :func:`stats.line_mask`."""
    primary, mask = line_mask(n, k=k, zero_published=zero_published)
    return [
        N_BELOW_K if p else (COMPLEMENTARY if m else None)
        for p, m in zip(primary.tolist(), mask.tolist(), strict=True)
    ]
