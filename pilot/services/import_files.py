"""Reading an uploaded table (CSV or XLSX) as a stream of rows, refusing what it cannot trust.

Shared by the questionnaire import and the register-data import. ``table_open`` checks the
size, hashes the file and settles its encoding in one pass over the bytes; ``Table.rows``
then yields one row at a time (the file is never held as a list), stops at the row limit,
and collects every structural problem as a (row, column, message) instead of stopping at the
first: duplicate or empty headers, extra cells, overlong cells, NUL characters, formula cells
without a computed value, a file with only a header. Row numbers are the spreadsheet's: the
header is row 1. Encoding rules and limits: docs/adr/0017-imports.md.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 1 << 20


@dataclass(frozen=True, order=True)
class CellError:
    row: int  # 0: the file as a whole; 1: the header
    column: str
    message: str


class ImportRejected(ValidationError):
    """The file was refused; ``cell_errors`` lists (row, column, message), at most
    ``IMPORT_MAX_ERRORS`` of them, and ``total`` how many there were."""

    def __init__(self, cell_errors: list[CellError], total: int | None = None) -> None:
        unique = sorted(set(cell_errors))
        self.total = max(total or 0, len(unique))
        self.cell_errors = unique[: limits().max_errors]
        super().__init__(
            {f"row {e.row}, {e.column}": [e.message] for e in self.cell_errors}
            if self.cell_errors
            else {"file": [_("Filen avvisades.")]}
        )


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_cell_chars: int
    max_errors: int


def limits() -> Limits:
    return Limits(
        max_bytes=getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024),
        max_rows=getattr(settings, "IMPORT_MAX_ROWS", 50_000),
        max_cell_chars=getattr(settings, "IMPORT_MAX_CELL_CHARS", 10_000),
        max_errors=getattr(settings, "IMPORT_MAX_ERRORS", 1_000),
    )


def _refuse(message: str) -> ImportRejected:
    return ImportRejected([CellError(0, "", message)])


def _as_stream(content: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(content) if isinstance(content, bytes | bytearray) else content


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",")


@dataclass
class Table:
    """An open upload: its checksum and encoding, and its rows one at a time."""

    stream: IO[bytes]
    kind: str  # "csv" or "xlsx"
    sha256: str
    encoding: str = ""
    header: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    data_rows: int = 0
    _rows: Iterator[tuple[int, list[str]]] | None = None

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(CellError(row, column, message))

    def read_header(self) -> list[str]:
        """The first non-empty row, trimmed; duplicate and empty headers are errors."""
        raw = _xlsx_rows(self) if self.kind == "xlsx" else _csv_rows(self)
        self._rows = iter(raw)
        number, cells = next(
            ((n, c) for n, c in self._rows if any(cell.strip() for cell in c)), (0, [])
        )
        if not number:
            raise ImportRejected(self.errors) if self.errors else _refuse(_("Filen är tom."))
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()
        seen: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                self.error(number, _column_letter(index), _("Kolumnen saknar rubrik."))
            elif name in seen:
                self.error(
                    number,
                    name,
                    _("Rubriken finns flera gånger (kolumn %(a)s och %(b)s).")
                    % {"a": _column_letter(seen[name]), "b": _column_letter(index)},
                )
            else:
                seen[name] = index
        self.header = header
        return header

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {column: trimmed text}) for every non-empty row after the header."""
        assert self._rows is not None, "read_header() first"
        width = len(self.header)
        max_rows, max_chars = limits().max_rows, limits().max_cell_chars
        for number, cells in self._rows:
            if not any(c.strip() for c in cells):
                continue
            self.data_rows += 1
            if self.data_rows > max_rows:
                raise _refuse(
                    _("Filen har fler än %(n)s rader. Dela upp den i flera filer.")
                    % {"n": f"{max_rows:,}".replace(",", " ")}
                )
            for index, cell in enumerate(cells):
                name = self.header[index] if index < width else _column_letter(index)
                if index >= width and cell.strip():
                    self.error(number, name, _("Cellen ligger utanför kolumnerna i rubrikraden."))
                elif len(cell) > max_chars:
                    self.error(number, name, _("Cellen är för lång (högst %d tecken).") % max_chars)
                elif "\x00" in cell:
                    self.error(number, name, _("Cellen innehåller ett otillåtet tecken (NUL)."))
            values: dict[str, str] = {}
            for i, name in enumerate(self.header):
                if name and name not in values:  # a duplicated header: its first column
                    # NUL is reported above; PostgreSQL text cannot hold it even in a lookup.
                    values[name] = (
                        cells[i].strip().replace("\x00", "\ufffd") if i < len(cells) else ""
                    )
            yield number, values
        if self.data_rows == 0:
            self.error(0, "", _("Filen innehåller bara rubrikraden och inga rader med uppgifter."))


def table_open(*, filename: str, content: bytes | IO[bytes]) -> Table:
    """Check type and size, hash the file and, for CSV, settle the encoding (one pass)."""
    name = filename.lower()
    kind = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith((".csv", ".txt")) else ""
    if not kind:
        raise _refuse(_("Filen ska vara .csv eller .xlsx."))
    stream = _as_stream(content)
    size, most = _size(stream), limits().max_bytes
    if size > most:
        raise _refuse(
            _("Filen är för stor (%(size)s MB). Högst %(most)s MB per fil; dela upp den.")
            % {"size": _mb(size), "most": _mb(most)}
        )
    if size == 0:
        raise _refuse(_("Filen är tom."))
    digest = hashlib.sha256()
    head = stream.read(4096)
    encoding = _encoding_by_bom(head) if kind == "csv" else ""
    utf8 = codecs.getincrementaldecoder("utf-8")() if kind == "csv" and not encoding else None
    chunk = head
    while chunk:
        digest.update(chunk)
        if utf8 is not None:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                utf8 = None
                encoding = "cp1252"
        chunk = stream.read(CHUNK)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    stream.seek(0)
    return Table(stream=stream, kind=kind, sha256=digest.hexdigest(), encoding=encoding)


def _encoding_by_bom(head: bytes) -> str:
    """UTF-8 with BOM, UTF-16 with BOM (Excel's "Unicode text"), or UTF-16 without a BOM
    recognised by its zero bytes; empty means: UTF-8 if it decodes, else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:1024]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        odd_zeros = sample[1::2].count(0)
        return "utf-16-le" if odd_zeros > sample[0::2].count(0) else "utf-16-be"
    return ""


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(table.stream, encoding=table.encoding, errors="strict", newline="")
    try:
        # newline="": lines end at CR, LF or CRLF (CR-only files from old Mac Excel too),
        # and the line ends inside quoted cells are kept as written.
        first = text.readline(limits().max_cell_chars * 10)
        reader = csv.reader(itertools.chain([first], text), delimiter=_delimiter(first))
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                table.error(
                    number + 1,
                    "",
                    _("Raden kan inte läsas (%(why)s); filen lästes inte längre än hit.")
                    % {"why": _csv_reason(exc)},
                )
                return
            number += 1
            yield number, cells
    except UnicodeDecodeError:
        table.error(
            0, "", _("Teckenkodningen känns inte igen. Spara filen som CSV UTF-8 och försök igen.")
        )
    finally:
        text.detach()


def _csv_reason(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return _("en cell är längre än %d tecken") % csv.field_size_limit()
    if "NUL" in message:
        return _("otillåtet NUL-tecken")
    return _("felaktiga citattecken eller radbrytningar")


def _xlsx_rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    """Values and formulas read side by side: a formula without a cached value (a file
    written by a program that does not compute) would otherwise read as an empty cell."""
    from openpyxl import load_workbook

    try:
        values_book = load_workbook(table.stream, read_only=True, data_only=True)
        formulas_book = load_workbook(table.stream, read_only=True, data_only=False)
        values_sheet, formulas_sheet = values_book.worksheets[0], formulas_book.worksheets[0]
        pairs = zip(
            values_sheet.iter_rows(values_only=True),
            formulas_sheet.iter_rows(values_only=True),
            strict=False,
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _refuse(_("Filen kan inte läsas som XLSX (Excel).")) from exc
    number = 0
    try:
        for values, formulas in pairs:
            number += 1
            cells = []
            for index, value in enumerate(values):
                formula = formulas[index] if index < len(formulas) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    table.error(
                        number,
                        _column_letter(index),
                        _(
                            "Formeln saknar beräknat värde. Öppna och spara filen i Excel, "
                            "eller klistra in värden i stället för formler."
                        ),
                    )
                cells.append(_cell_text(value))
            yield number, cells
    except Exception:  # a broken sheet part: report where reading stopped
        table.error(number + 1, "", _("Raden kan inte läsas; filen lästes inte längre än hit."))
    finally:
        values_book.close()
        formulas_book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(min(index + 1, 16384))
