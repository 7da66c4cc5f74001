"""Paper and bulk import of questionnaires: one file per form, all rows or none.

The file is read as a stream (``import_files``) and every problem is collected in one pass:
the file's structure, each cell's format, and then every row against the database (unknown
activity, participant, answer out of range ...), so the person uploading sees every error at
once, as (row, column, message). Only a file without errors is stored, in one transaction.
The file's SHA-256 is remembered, so uploading the same file again stores nothing. Row
numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilot.models import ImportBatch
from pilot.services.import_files import CellError, ImportRejected, table_open
from pilot.services.import_templates import (
    COMMON_COLUMNS,
    PARTICIPANT_COLUMNS,
    template_columns,
    template_csv,
    template_xlsx,
)
from pilot.services.submission_store import AuditEntry, responses_write
from pilot.services.submissions import (
    PARTICIPANT_FORMS,
    NewParticipant,
    SubmissionInput,
    submissions_validate,
)
from tenants.models import User
from tenants.personal_numbers import PERSONAL_NUMBER_MESSAGE, looks_like_personal_number

__all__ = [
    "CellError",
    "ImportRejected",
    "ImportResult",
    "parse_date",
    "responses_import",
    "template_columns",
    "template_csv",
    "template_xlsx",
]

# Nothing the platform measures happened before this; earlier dates are typing errors
# (0001-01-01 is what an empty date cell becomes in some tools).
EARLIEST_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    created: bool  # False: the same file was uploaded before; nothing new stored


def parse_date(text: str, *, latest: dt.date) -> tuple[dt.date | None, str]:
    """(date, "") or (None, message) for an ISO date between EARLIEST_DATE and ``latest``."""
    try:
        value = dt.date.fromisoformat(text[:10]) if len(text) in {10, 19} else None
    except ValueError:
        value = None
    if value is None:
        return None, _("Ogiltigt datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.")
    if value < EARLIEST_DATE:
        return None, _("Orimligt datum: %(d)s ligger före år 2000.") % {"d": text[:10]}
    if value > latest:
        return None, _("Orimligt datum: %(d)s ligger för långt fram i tiden.") % {"d": text[:10]}
    return value, ""


def responses_import(
    *,
    filename: str,
    content: bytes | IO[bytes],
    form_code: str,
    actor: User | None,
    uploaded_by: str = "",
) -> ImportResult:
    """Check the whole file, then store it atomically; the same file twice stores once."""
    if looks_like_personal_number(filename):
        raise ImportRejected([CellError(0, _("filnamn"), str(PERSONAL_NUMBER_MESSAGE))])
    expected = template_columns(form_code=form_code)
    table = table_open(filename=filename, content=content)
    existing = ImportBatch.objects.filter(sha256=table.sha256).first()
    if existing is not None:
        return ImportResult(existing, created=False)

    header = table.read_header()
    errors: list[CellError] = []
    for column in header:
        if column and column not in expected:
            errors.append(CellError(1, column, _("Okänd kolumn (fråga eller fält).")))
    required = [c for c in [*PARTICIPANT_COLUMNS, *COMMON_COLUMNS] if c in expected]
    missing = {c for c in required if c not in header}
    errors += [CellError(1, c, _("Kolumnen saknas.")) for c in required if c in missing]
    answer_columns = [c for c in header if c in expected and c not in required]

    today = timezone.localdate()
    participant_form = form_code in PARTICIPANT_FORMS
    submissions: list[SubmissionInput] = []
    row_numbers: list[int] = []
    for number, row in table.rows():
        answered_on = today
        if "answered_on" not in missing:
            parsed, message = parse_date(row.get("answered_on", ""), latest=today)
            if parsed is None:
                errors.append(CellError(number, "answered_on", message))
            answered_on = parsed or today
        new_participant = None
        if participant_form and (row.get("gender") or row.get("age_band")):
            started_on = answered_on
            if row.get("started_on"):
                parsed, message = parse_date(
                    row["started_on"], latest=today + dt.timedelta(days=366)
                )
                if parsed is None:
                    errors.append(CellError(number, "started_on", message))
                started_on = parsed or answered_on
            new_participant = NewParticipant(
                gender=row.get("gender", ""),
                age_band=row.get("age_band", ""),
                started_on=started_on,
            )
        submissions.append(
            SubmissionInput(
                form_code=form_code,
                occasion=row.get("occasion", ""),
                activity=row.get("activity", ""),
                answered_on=answered_on,
                answers={c: row.get(c, "") for c in answer_columns},
                participant_code=row.get("participant_code") or None,
                new_participant=new_participant,
            )
        )
        row_numbers.append(number)
    errors += table.errors
    if errors:
        # Check the rows against the database too, so this one answer lists every error.
        if submissions:
            context = submissions_validate(submissions)
            errors += _cell_errors(context.errors, row_numbers, skip=missing)
        raise ImportRejected(errors)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                sha256=table.sha256,
                filename=filename[:255],
                form_code=form_code,
                rows=len(submissions),
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
        raise ImportRejected(_cell_errors(exc.message_dict, row_numbers)) from exc
    return ImportResult(batch, created=True)


def _cell_errors(
    errors: Mapping[str, list[str]], row_numbers: list[int], skip: set[str] | None = None
) -> list[CellError]:
    out = []
    for key, messages in errors.items():
        index, _sep, name = key.partition(".")
        row = row_numbers[int(index)] if index.isdigit() else 0
        column = name.removeprefix("answers.") if index.isdigit() else key
        if skip and column in skip:
            continue
        out += [CellError(row, column, str(m)) for m in messages]
    return out
