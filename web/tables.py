"""Tables the dashboard shows and lets people download: one description, three renderings
(the page, CSV, XLSX), so a download always holds what the page shows under the same filters."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Cell:
    """``text`` is what the page shows; ``value`` what an export holds (a number where the
    text is one); ``css`` a class (signal colours); ``href`` a link (drill-down); ``note`` a
    visually hidden addition for screen readers (the signal's word)."""

    text: str
    value: Any = None
    css: str = ""
    href: str = ""
    note: str = ""

    @property
    def export(self) -> Any:
        return self.text if self.value is None else self.value


@dataclass(frozen=True)
class Column:
    text: str
    #: a longer description (a point's statement), shown on hover and focus
    description: str = ""
    #: a short prefix shown before ``text`` (a point's number)
    prefix: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    #: the first cell of each row is a row header
    row_headers: bool = True
    empty: str = ""


def table_csv(table: Table, filename: str) -> HttpResponse:
    """UTF-8 with a byte order mark and semicolons: what Excel opens correctly in Sweden."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(c.export) for c in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def table_xlsx(table: Table, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.caption[:31] or table.key
    sheet.append([_header(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([c.export for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _header(column: Column) -> str:
    return f"{column.prefix} {column.text}".strip()


def _csv_value(value: Any) -> Any:
    # a cell starting with = + - @ would be a formula in a spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
