"""Export of all of an association's data (GDPR Art. 20 / the controller's own copy).

A zip: one CSV per table of the association's schema (``pilot`` app, many-to-many tables
included), ``codebook.csv`` (every coded column's codes with Swedish and English labels from
:mod:`vocabulary`) and ``manifest.json`` (association, time, per table its file, columns and row
count, and every file's SHA-256). Invitation tokens are live credentials and are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from tenants.audit import audit_record
from tenants.db import current_association_slug
from tenants.models import User
from vocabulary import codes, kinds, label

EXPORT_APP = "pilot"
# Columns never exported: live credentials and bookkeeping of the API's replay protection.
OMITTED_COLUMNS = {"pilot_invitation": {"token"}}
OMITTED_TABLES = {"pilot_idempotencyrecord"}
# Coded columns whose field has no choices (stored as free codes) → their vocabulary kind.
CODED_COLUMNS = {
    ("pilot_response", "occasion"): "occasion",
    ("pilot_response", "respondent"): "respondent",
    ("pilot_response", "form_code"): "form",
    ("pilot_invitation", "form_code"): "form",
    ("pilot_occasionschedule", "form_code"): "form",
    ("pilot_participant", "followup_status"): "exit_outcome",
}


def _export_models() -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for model in apps.get_app_config(EXPORT_APP).get_models(include_auto_created=True):
        if model._meta.db_table not in OMITTED_TABLES:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def export_columns(model: type[models.Model]) -> list[str]:
    omitted = OMITTED_COLUMNS.get(model._meta.db_table, set())
    return [
        f.column
        for f in model._meta.concrete_fields
        if f.column is not None and f.column not in omitted
    ]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _csv(header: list[str], rows: Iterator[tuple[Any, ...]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def _coded_columns(model: type[models.Model]) -> dict[str, str]:
    table = model._meta.db_table
    found = {col: kind for (t, col), kind in CODED_COLUMNS.items() if t == table}
    vocabulary_kinds = set(kinds())
    for field in model._meta.concrete_fields:
        if field.choices and field.column and field.column not in found:
            kind = field.column if field.column in vocabulary_kinds else ""
            kind = kind or {"source": "response_source", "status": "response_status"}.get(
                field.column, ""
            )
            kind = kind or ("local_item_kind" if field.column == "kind" else "")
            if kind in vocabulary_kinds:
                found[field.column] = kind
    return found


def _codebook() -> tuple[bytes, int]:
    rows = []
    for model in _export_models():
        for column, kind in sorted(_coded_columns(model).items()):
            for code in codes(kind):
                rows.append(
                    (
                        model._meta.db_table,
                        column,
                        code,
                        label(kind, code, "sv"),
                        label(kind, code, "en"),
                    )
                )
    return _csv(["table", "column", "code", "label_sv", "label_en"], iter(rows))


def association_export(*, actor: User | None) -> bytes:
    """The zip of the current association's data (run inside its schema); audited."""
    slug = current_association_slug()
    files: dict[str, bytes] = {}
    tables = []
    for model in _export_models():
        columns = export_columns(model)
        attnames = [f.attname for f in model._meta.concrete_fields if f.column in columns]
        rows = model._default_manager.order_by("pk").values_list(*attnames).iterator()
        name = f"{model._meta.db_table}.csv"
        files[name], count = _csv(columns, rows)
        tables.append(
            {"table": model._meta.db_table, "file": name, "columns": columns, "rows": count}
        )
    files["codebook.csv"], _ = _codebook()
    manifest = {
        "association": slug,
        "exported_at": timezone.now().isoformat(),
        "format": "CSV (UTF-8, comma, header row); empty cell = NULL; JSON cells as JSON text",
        "tables": tables,
        "codebook": "codebook.csv",
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    audit_record(
        action="privacy.association_exported",
        actor=actor,
        association_slug=slug,
        tables=len(tables),
        rows=sum(int(str(t["rows"])) for t in tables),
    )
    return out.getvalue()
