"""Paper and bulk import: a template per form (CSV and XLSX) and its upload.

The whole file is parsed and validated before anything is written; an invalid cell anywhere
rejects the file with a list of (row, column, message). A valid file is stored in one
transaction. The file's SHA-256 is remembered, so uploading the same file again stores nothing.
Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from instrument.models import Form
from instrument.selectors import instrument_version_current
from pilot.models import ImportBatch
from pilot.services.submission_store import AuditEntry, responses_write
from pilot.services.submissions import (
    PARTICIPANT_FORMS,
    NewParticipant,
    SubmissionInput,
)
from tenants.models import User

PARTICIPANT_COLUMNS = ["participant_code", "gender", "age_band", "started_on"]
COMMON_COLUMNS = ["activity", "occasion", "answered_on"]


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    created: bool  # False: the same file was uploaded before; nothing new stored


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str


def _form(form_code: str) -> Form:
    version = instrument_version_current()
    form = Form.objects.filter(version=version, code=form_code).first()
    if form is None:
        raise ValidationError({"form_code": [_("Okänt formulär: %s") % form_code]})
    return form


def template_columns(*, form_code: str) -> list[str]:
    form = _form(form_code)
    items = [fi.item.code for fi in form.form_items.select_related("item")]
    lead = PARTICIPANT_COLUMNS if form.code in PARTICIPANT_FORMS else []
    return [*lead, *COMMON_COLUMNS, *items]


def template_csv(*, form_code: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(template_columns(form_code=form_code))
    return out.getvalue().encode("utf-8-sig")  # BOM: Excel opens UTF-8 correctly


def template_xlsx(*, form_code: str) -> bytes:
    from openpyxl import Workbook

    form = _form(form_code)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Svar"
    sheet.append(template_columns(form_code=form_code))
    help_sheet = book.create_sheet("Instruktioner")
    help_sheet.append(["Kolumn", "Betydelse / tillåtna värden"])
    help_sheet.append(["occasion", ", ".join(form.occasions)])
    help_sheet.append(["answered_on", "ÅÅÅÅ-MM-DD"])
    help_sheet.append(["gender", "woman, man, other, undisclosed"])
    help_sheet.append(["age_band", "16-19, 20-24, 25-29, 30-39, 40-49, 50-64"])
    for fi in form.form_items.select_related("item"):
        help_sheet.append([fi.item.code, f"{fi.item.statement_sv} (1–5, dont_know, tomt)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_from_file(filename: str, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationError({"file": [_("Filen kan inte läsas som XLSX.")]}) from exc
        sheet = book.worksheets[0]
        rows = [
            ["" if v is None else _cell_text(v) for v in r]
            for r in sheet.iter_rows(values_only=True)
        ]
    elif filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": [_("CSV-filen ska vara UTF-8.")]}) from exc
        # Excel in Swedish locale writes semicolon-separated CSV.
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise ValidationError({"file": [_("Filen ska vara .csv eller .xlsx.")]})
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError({"file": [_("Filen är tom.")]})
    header = [h.strip() for h in rows[0]]
    return header, [dict(zip(header, [c.strip() for c in r], strict=False)) for r in rows[1:]]


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def responses_import(
    *, filename: str, content: bytes, form_code: str, actor: User | None, uploaded_by: str = ""
) -> ImportResult:
    """Validate the whole file, then store it atomically; the same file twice stores once."""
    digest = hashlib.sha256(content).hexdigest()
    existing = ImportBatch.objects.filter(sha256=digest).first()
    if existing is not None:
        return ImportResult(existing, created=False)

    expected = template_columns(form_code=form_code)
    header, rows = rows_from_file(filename, content)
    errors: list[CellError] = []
    for column in header:
        if column not in expected:
            errors.append(CellError(1, column, _("Okänd kolumn (fråga eller fält).")))
    for column in expected:
        if column not in header and column not in set(expected) - set(
            PARTICIPANT_COLUMNS + COMMON_COLUMNS
        ):
            errors.append(CellError(1, column, _("Kolumnen saknas.")))

    submissions: list[SubmissionInput] = []
    row_numbers: list[int] = []
    participant_form = form_code in PARTICIPANT_FORMS
    item_columns = [
        c for c in header if c in expected and c not in PARTICIPANT_COLUMNS + COMMON_COLUMNS
    ]
    for index, row in enumerate(rows):
        number = index + 2
        answered_on = _parse_date(row.get("answered_on", ""))
        if answered_on is None:
            errors.append(CellError(number, "answered_on", _("Ogiltigt datum (ÅÅÅÅ-MM-DD).")))
        new_participant = None
        if participant_form:
            started_on = _parse_date(row.get("started_on", ""))
            if row.get("started_on") and started_on is None:
                errors.append(CellError(number, "started_on", _("Ogiltigt datum (ÅÅÅÅ-MM-DD).")))
            if row.get("gender") or row.get("age_band"):
                new_participant = NewParticipant(
                    gender=row.get("gender", ""),
                    age_band=row.get("age_band", ""),
                    started_on=started_on or answered_on or dt.date.min,
                )
        if answered_on is None:
            continue
        submissions.append(
            SubmissionInput(
                form_code=form_code,
                occasion=row.get("occasion", ""),
                activity=row.get("activity", ""),
                answered_on=answered_on,
                answers={c: row.get(c, "") for c in item_columns},
                participant_code=row.get("participant_code") or None,
                new_participant=new_participant,
            )
        )
        row_numbers.append(number)
    if errors:
        raise ImportRejected(errors)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                sha256=digest,
                filename=filename[:255],
                form_code=form_code,
                rows=len(rows),
                uploaded_by=uploaded_by,
            )
            responses_write(
                submissions=submissions,
                source="import",
                audit=AuditEntry(
                    "pilot.responses_imported",
                    actor,
                    {"import_batch": batch.pk, "filename": batch.filename},
                ),
                import_batch=batch,
            )
    except ValidationError as exc:
        raise ImportRejected(_cell_errors(exc, row_numbers)) from exc
    return ImportResult(batch, created=True)


def _cell_errors(exc: ValidationError, row_numbers: list[int]) -> list[CellError]:
    out = []
    for key, messages in exc.message_dict.items():
        index, _sep, field = key.partition(".")
        row = row_numbers[int(index)] if index.isdigit() else 0
        column = field.removeprefix("answers.") if index.isdigit() else key
        out += [CellError(row, column, m) for m in messages]
    return sorted(out, key=lambda e: (e.row, e.column))


class ImportRejected(ValidationError):
    """The file was refused; ``cell_errors`` lists every (row, column, message)."""

    def __init__(self, cell_errors: list[CellError]) -> None:
        self.cell_errors = cell_errors
        super().__init__(
            {f"row {e.row}, {e.column}": [e.message] for e in cell_errors}
            if cell_errors
            else {"file": [_("Filen avvisades.")]}
        )
