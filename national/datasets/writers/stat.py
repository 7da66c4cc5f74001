"""SPSS (.sav) and Stata (.dta) files with variable and value labels in the dataset's language
(Swedish by default), categoricals numeric-coded with value labels, SPSS formats and
measurement levels, and the answers' missing values declared (SPSS user-missing -9/-8, Stata
extended missing .a/.b: :mod:`national.datasets.missing`). Pure: no Django.

The .sav/.dta rows are encoded with numpy into the files' fixed-width records after
pyreadstat has written the dictionary (labels, value labels, missing ranges) from a two-row
template — pyreadstat alone writes row by row in Python (~150 s for 1M rows) and stays the
checked fallback.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from national.datasets.codebook import STATA_MISSING, codebook_variables
from national.datasets.columns import as_categorical
from national.datasets.missing import answer_columns, stat_frame
from national.datasets.spec import BuiltDataset
from national.datasets.writers.text import Progress, chunks

# SPSS and Stata. pyreadstat writes row by row through Python (a few microseconds per cell:
# ~150 s for 1M rows x 42 columns), so it writes only the file's dictionary here (variables,
# labels, value labels, missing ranges) from a two-row template; the rows are then encoded
# with numpy, chunk by chunk, into the fixed-width record layout that the template shows,
# after checking that our encoding of the template rows is byte for byte what pyreadstat
# wrote. If anything differs (another pyreadstat/readstat version, compression, very long
# strings), the whole frame is written by pyreadstat instead: slower, never different.

SAV_SYSMIS = -float(np.finfo(np.float64).max)  # SPSS system-missing
DTA_MISSING_DOUBLE = 2.0**1023  # Stata "." for a double
STAT_CHUNK_ROWS = 65_536
TEMPLATE_ROWS = 4  # value/longest text; missing; then the two missing codes of answers
#: Stata's extended missing doubles (.a = . + 1·2^40 in the bit pattern, .b = . + 2·2^40).
DTA_EXTENDED: dict[str, float] = {
    letter: struct.unpack("<d", struct.pack("<Q", 0x7FE0000000000000 + (i + 1) * (1 << 40)))[0]
    for i, letter in enumerate("abcdefghijklmnopqrstuvwxyz")
}
_DTA_DOUBLE = 65526
_DTA_STR_MAX = 2045


@dataclass(frozen=True)
class _StatColumn:
    """A column for SPSS/Stata: numbers as doubles (NaN = system missing) or text as codes
    into UTF-8 labels (-1 = missing, written as an empty string)."""

    name: str
    series: pd.Series
    codes: np.ndarray | None = None
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="S1"))  # UTF-8
    # answer columns: code → Stata extended-missing letter (-9 → "a", -8 → "b")
    special: dict[int, str] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.codes is None

    @property
    def width(self) -> int:
        """Bytes of the longest text (at least 1), as pyreadstat counts them."""
        return max(1, int(self.labels.dtype.itemsize))

    def doubles(self, start: int, stop: int) -> np.ndarray:
        return self.series.iloc[start:stop].to_numpy(dtype=np.float64, na_value=np.nan)


def _stat_columns(frame: pd.DataFrame, answers: Sequence[str] = ()) -> list[_StatColumn]:
    out = []
    for name in frame.columns:
        s = frame[name]
        if not isinstance(s.dtype, pd.CategoricalDtype) and (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
        ):
            special = dict(STATA_MISSING) if name in answers else {}
            out.append(_StatColumn(str(name), s, special=special))
        else:
            cat = as_categorical(s)
            labels = np.char.encode(np.asarray(cat.categories, dtype=str), "utf-8")
            out.append(_StatColumn(str(name), s, np.asarray(cat.codes), labels))
    return out


def _letters(x: np.ndarray, special: dict[int, str]) -> np.ndarray:
    """Doubles with the special codes as Stata's missing letters (what pyreadstat takes)."""
    out = x.astype(object)
    for code, letter in special.items():
        out[x == code] = letter
    return out


def _stat_frame(
    columns: Sequence[_StatColumn], rows: int | None = None, *, letters: bool = False
) -> pd.DataFrame:
    """The frame pyreadstat is given: doubles and text (missing as ""). ``rows=None``: every
    row; otherwise the template: a value / the longest text; NaN / ""; then, for answers,
    their two missing codes (``letters``: as Stata's "a", "b")."""
    data: dict[str, Any] = {}
    for col in columns:
        if rows is None and col.numeric:
            x = col.doubles(0, len(col.series))
            data[col.name] = _letters(x, col.special) if letters and col.special else x
        elif rows is None:
            text = np.append(np.char.decode(col.labels, "utf-8").astype(object), "")
            data[col.name] = text[col.codes]
        elif col.numeric:
            values = col.series.dropna()
            first = float(values.iloc[0]) if len(values) else 0.0
            codes = [float(c) for c in col.special] or [first, first]
            x = np.array([first, np.nan, *codes[:2]])
            data[col.name] = _letters(x, col.special) if letters and col.special else x
        else:
            lengths = np.char.str_len(col.labels)
            longest = col.labels[np.argmax(lengths)].decode("utf-8") if len(lengths) else ""
            data[col.name] = np.array([longest, "", longest, longest], dtype=object)
    return pd.DataFrame(data)


@dataclass(frozen=True)
class _RowLayout:
    dtype: np.dtype[Any]
    texts: dict[int, np.ndarray]  # column index → encoded labels, missing last
    missing: float
    extended: bool = False  # Stata: answers' missing codes as .a, .b

    def encode(self, columns: Sequence[_StatColumn], start: int, stop: int) -> np.ndarray:
        rows = np.zeros(stop - start, dtype=self.dtype)
        for j, col in enumerate(columns):
            if col.numeric:
                x = col.doubles(start, stop)
                x = np.where(np.isnan(x), self.missing, x)
                if self.extended:
                    for code, letter in col.special.items():
                        x[x == code] = DTA_EXTENDED[letter]
                rows[f"f{j}"] = x
            else:
                assert col.codes is not None
                rows[f"f{j}"] = self.texts[j][col.codes[start:stop]]
        return rows


def _row_layout(
    columns: Sequence[_StatColumn],
    widths: Sequence[int],
    pad: bytes,
    missing: float,
    extended: bool = False,
) -> _RowLayout:
    """Doubles for numbers, ``widths[j]`` bytes for text (padded with ``pad``), packed."""
    formats: list[str] = []
    offsets: list[int] = []
    texts: dict[int, np.ndarray] = {}
    at = 0
    for j, (col, width) in enumerate(zip(columns, widths, strict=True)):
        offsets.append(at)
        if col.numeric:
            formats.append("<f8")
            at += 8
        else:
            formats.append(f"S{width}")
            text = np.append(col.labels, b"").astype(f"S{width}")  # pads with NUL; "" last
            texts[j] = text if pad == b"\0" else np.char.ljust(text, width, pad)
            at += width
    dtype = np.dtype(
        {
            "names": [f"f{j}" for j in range(len(columns))],
            "formats": formats,
            "offsets": offsets,
            "itemsize": at,
        }
    )
    return _RowLayout(dtype, texts, missing, extended)


def _template_rows(
    columns: Sequence[_StatColumn],
    widths: Sequence[int],
    pad: bytes,
    missing: float,
    extended: bool = False,
) -> bytes:
    """Our encoding of the template rows that pyreadstat was given."""
    frame = _stat_frame(columns, rows=TEMPLATE_ROWS)
    probe = [
        _StatColumn(c.name, frame[c.name], special=c.special)
        if c.numeric
        else _StatColumn(
            c.name,
            frame[c.name],
            np.array([0, -1, 0, 0]),
            np.array([frame[c.name].iloc[0].encode()]),
        )
        for c in columns
    ]
    layout = _row_layout(probe, widths, pad, missing, extended)
    return layout.encode(probe, 0, TEMPLATE_ROWS).tobytes()


def _write_rows(
    fh: Any, layout: _RowLayout, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> None:
    for start, stop in chunks(n, STAT_CHUNK_ROWS):
        fh.write(layout.encode(columns, start, stop).view(np.uint8))
        if progress is not None and n:
            progress(stop / n)


def _sav_records_end(raw: bytes) -> tuple[int, list[int]] | None:
    """Walk an uncompressed .sav dictionary: (offset of the first case, offsets of 64-bit case
    counts in extension records) or None if the layout is not the expected one."""
    at = 176
    counts: list[int] = []
    try:
        while True:
            (rec,) = struct.unpack_from("<i", raw, at)
            if rec == 2:
                has_label, n_missing = struct.unpack_from("<ii", raw, at + 8)
                at += 32
                if has_label:
                    (length,) = struct.unpack_from("<i", raw, at)
                    at += 4 + (length + 3) // 4 * 4
                at += abs(n_missing) * 8
            elif rec == 3:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8
                for _ in range(count):
                    at += 8 + (raw[at + 8] + 8) // 8 * 8
            elif rec == 4:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8 + 4 * count
            elif rec == 6:
                (count,) = struct.unpack_from("<i", raw, at + 4)
                at += 8 + 80 * count
            elif rec == 7:
                subtype, size, count = struct.unpack_from("<iii", raw, at + 4)
                if subtype == 16 and size == 8 and count == 2:
                    counts.append(at + 24)
                at += 16 + size * count
            elif rec == 999:
                return at + 8, counts
            else:
                return None
    except (struct.error, IndexError):
        return None


def _sav_fill(
    path: Path, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> bool:
    """Replace the template cases of the .sav at ``path`` by all ``n`` rows."""
    raw = path.read_bytes()
    if len(raw) < 176 or raw[:4] != b"$FL2" or n > 2**31 - 1:
        return False
    layout_code, units, compression = struct.unpack_from("<iii", raw, 64)
    (cases,) = struct.unpack_from("<i", raw, 80)
    if (layout_code, compression, cases) != (2, 0, TEMPLATE_ROWS):
        return False
    widths = [0 if c.numeric else (c.width + 7) // 8 * 8 for c in columns]
    if any(w > 255 for w in widths):  # very long strings are split in segments: not handled
        return False
    layout = _row_layout(columns, widths, b" ", SAV_SYSMIS)
    found = _sav_records_end(raw)
    if found is None or layout.dtype.itemsize != 8 * units:
        return False
    start, counts = found
    if raw[start:] != _template_rows(columns, widths, b" ", SAV_SYSMIS):
        return False
    with path.open("r+b") as fh:
        fh.seek(80)
        fh.write(struct.pack("<i", n))
        for at in counts:
            if struct.unpack_from("<q", raw, at)[0] == TEMPLATE_ROWS:
                fh.seek(at)
                fh.write(struct.pack("<q", n))
        fh.seek(start)
        fh.truncate()
        _write_rows(fh, layout, columns, n, progress)
    return True


def _dta_fill(
    path: Path, columns: Sequence[_StatColumn], n: int, progress: Progress | None
) -> bool:
    """Replace the template observations of the .dta (format 117–119) at ``path`` by all
    ``n`` rows, moving the sections after the data and their offsets in the map."""
    raw = path.read_bytes()
    try:
        if not raw.startswith(b"<stata_dta><header><release>11"):
            return False
        if b"<byteorder>LSF</byteorder>" not in raw[:100]:
            return False
        n_at = raw.index(b"<N>", raw.index(b"<K>")) + 3
        n_size = raw.index(b"</N>", n_at) - n_at
        at_n = int.from_bytes(raw[n_at : n_at + n_size], "little")
        if at_n != TEMPLATE_ROWS or n >= 256**n_size:
            return False
        map_at = raw.index(b"<map>") + 5
        offsets = list(struct.unpack_from("<14Q", raw, map_at))
        types_at = offsets[2] + len(b"<variable_types>")
        types = struct.unpack_from(f"<{len(columns)}H", raw, types_at)
        data_at, after = offsets[9] + len(b"<data>"), offsets[10] - len(b"</data>")
        if raw[offsets[9] : data_at] != b"<data>" or raw[after : offsets[10]] != b"</data>":
            return False
    except (ValueError, struct.error):
        return False
    widths = [0 if c.numeric else c.width for c in columns]
    expected = tuple(_DTA_DOUBLE if c.numeric else w for c, w in zip(columns, widths, strict=True))
    if types != expected or any(w >= _DTA_STR_MAX for w in widths):
        return False
    layout = _row_layout(columns, widths, b"\0", DTA_MISSING_DOUBLE, extended=True)
    template = _template_rows(columns, widths, b"\0", DTA_MISSING_DOUBLE, extended=True)
    if raw[data_at:after] != template:
        return False
    shift = (n - TEMPLATE_ROWS) * layout.dtype.itemsize
    offsets[10:] = [o + shift for o in offsets[10:]]
    head = bytearray(raw[:data_at])
    head[n_at : n_at + n_size] = n.to_bytes(n_size, "little")
    struct.pack_into("<14Q", head, map_at, *offsets)
    with path.open("wb") as fh:
        fh.write(head)
        _write_rows(fh, layout, columns, n, progress)
        fh.write(raw[after:])
    return True


def _stat_labels(
    dataset: BuiltDataset, *, tool: str
) -> tuple[dict[str, str], dict[str, dict[float | str, str]]]:
    """Variable labels (shortened for ``tool`` where needed: the codebook says so in its
    notes) and value labels by number in the dataset's language; Stata's extended missing
    values labelled by letter, SPSS's user-missing codes by number."""
    lang = "en" if dataset.codebook.get("language") == "en" else "sv"
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[float | str, str]] = {}
    for v in codebook_variables(dataset):
        labels[v["name"]] = str(v.get(f"label_{tool}") or v[f"label_{lang}"])
        numbers = v.get("numeric_codes")
        vl: dict[float | str, str] = {}
        if numbers is not None:
            vl = {float(numbers[k]): str(lab[lang]) for k, lab in v["value_labels"].items()}
        elif v["type"] == "integer" and v.get("value_labels"):
            vl = {float(k): str(lab[lang]) for k, lab in v["value_labels"].items()}
        elif v["type"] == "boolean" and v.get("value_labels"):
            vl = {1.0: v["value_labels"]["true"][lang], 0.0: v["value_labels"]["false"][lang]}
        for code, lab in (v.get("missing_values") or {}).items():
            if code:
                key = STATA_MISSING[int(code)] if tool == "stata" else float(code)
                vl[key] = str(lab[lang])
        if vl:
            value_labels[v["name"]] = vl
    return labels, value_labels


def _digits(series: pd.Series) -> int:
    top = series.max() if len(series) else 0
    return max(1, len(str(int(top)))) if pd.notna(top) else 1


def _sav_formats(
    dataset: BuiltDataset, frame: pd.DataFrame
) -> tuple[dict[str, str], dict[str, str]]:
    """SPSS print formats (F1.0/F2.0 for answers, Fw.0 for numbers, Aw for text) and
    measurement levels (nominal / ordinal / scale) from the codebook."""
    formats: dict[str, str] = {}
    measures: dict[str, str] = {}
    for v in codebook_variables(dataset):
        name = v["name"]
        s = frame[name]
        if v.get("measure"):
            measures[name] = v["measure"]
        numeric = pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
        if isinstance(s.dtype, pd.CategoricalDtype) or not numeric:
            continue  # text: pyreadstat sets Aw from the longest value
        if v.get("missing_values"):
            formats[name] = "F2.0"  # 1–5 and the codes -9, -8
        elif v["type"] == "boolean":
            formats[name] = "F1.0"
        else:
            formats[name] = f"F{_digits(s)}.0"
    return formats, measures


def sav_write(
    dataset: BuiltDataset, path: Path, progress: Progress | None = None, *, fast: bool = True
) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, tool="spss")
    frame = stat_frame(dataset)
    columns = _stat_columns(frame, answer_columns(dataset))
    missing: dict[str, list[int | float | str | Any]] = {
        name: [float(code) for code in STATA_MISSING] for name in answer_columns(dataset)
    }
    formats, measures = _sav_formats(dataset, frame)
    title = dataset.codebook.get(f"title_{dataset.codebook.get('language', 'sv')}", "")
    options: dict[str, Any] = {
        "column_labels": [labels.get(c.name, c.name) for c in columns],
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_format": formats,
        "variable_measure": measures,
        "file_label": str(title)[:64],
        "row_compress": False,
    }
    if fast:
        pyreadstat.write_sav(_stat_frame(columns, rows=TEMPLATE_ROWS), str(path), **options)
        if _sav_fill(path, columns, len(frame), progress):
            return
    pyreadstat.write_sav(_stat_frame(columns), str(path), **options)


def dta_write(
    dataset: BuiltDataset, path: Path, progress: Progress | None = None, *, fast: bool = True
) -> None:
    import pyreadstat

    labels, value_labels = _stat_labels(dataset, tool="stata")
    frame = stat_frame(dataset)
    answers = answer_columns(dataset)
    columns = _stat_columns(frame, answers)
    title = dataset.codebook.get(f"title_{dataset.codebook.get('language', 'sv')}", "")
    formats = {
        v["name"]: "%9.0g" if v.get("missing_values") else "%12.0g"
        for v in codebook_variables(dataset)
        if v["type"] in ("integer", "boolean") or v.get("numeric_codes") is not None
    }
    options: dict[str, Any] = {
        "column_labels": [labels.get(c.name, c.name) for c in columns],
        "variable_value_labels": value_labels,
        "missing_user_values": {name: list(STATA_MISSING.values()) for name in answers},
        "variable_format": formats,
        "file_label": str(title)[:80],
    }
    if fast:
        template = _stat_frame(columns, rows=TEMPLATE_ROWS, letters=True)
        pyreadstat.write_dta(template, str(path), **options)
        if _dta_fill(path, columns, len(frame), progress):
            return
    pyreadstat.write_dta(_stat_frame(columns, letters=True), str(path), **options)
