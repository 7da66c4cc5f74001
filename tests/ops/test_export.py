"""The association export round-trips: reading the zip back gives the database's content."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django_tenants.utils import tenant_context

from ops.privacy.export import association_export
from pilot.models import Answer, Invitation, Participant
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db


def _typed(field: models.Field, cell: str) -> object:
    if cell == "":
        return None if field.null else ""
    if isinstance(field, models.JSONField | ArrayField):
        return json.loads(cell)
    if isinstance(field, models.BooleanField):
        return {"true": True, "false": False}[cell]
    return field.to_python(cell)


def _read_back(archive: zipfile.ZipFile, table: str) -> tuple[list[str], list[tuple]]:
    model = next(
        m
        for m in apps.get_app_config("pilot").get_models(include_auto_created=True)
        if m._meta.db_table == table
    )
    by_column = {f.column: f for f in model._meta.concrete_fields}
    reader = csv.reader(io.StringIO(archive.read(f"{table}.csv").decode("utf-8")))
    header = next(reader)
    rows = [
        tuple(_typed(by_column[c], cell) for c, cell in zip(header, row, strict=True))
        for row in reader
    ]
    attnames = [by_column[c].attname for c in header]
    return attnames, rows


def test_association_export_round_trips(alfa):
    spec = AssociationSpec(slug="alfa", n_participants=15, activity_names=("A", "B"), n_staff=3)
    with tenant_context(alfa):
        synthetic_data_load(data=synthetic_generate(specs=[spec], seed=3)["alfa"], actor=None)
        p = Participant.objects.first()
        Invitation.objects.create(
            token="hemlig-token",
            short_code="ABC123",
            form_code="participant",
            occasion="start",
            activity=p.activity,
            participant=p,
            expires_at="2030-01-01T00:00:00Z",
            draft_answers={"q1": "3", "fritext": 'å, "ä"\nö'},
        )
        data = association_export(actor=None)
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["association"] == "alfa"
        tables = {t["table"]: t for t in manifest["tables"]}
        assert {
            "pilot_participant",
            "pilot_response",
            "pilot_answer",
            "pilot_invitation",
            "pilot_activity",
            "pilot_localitem_activities",
        } <= set(tables)
        for name, digest in manifest["sha256"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        for table in tables:
            model = next(
                m
                for m in apps.get_app_config("pilot").get_models(include_auto_created=True)
                if m._meta.db_table == table
            )
            attnames, rows = _read_back(archive, table)
            in_db = list(model._default_manager.order_by("pk").values_list(*attnames))
            assert rows == in_db, table
            assert tables[table]["rows"] == len(in_db)
        assert tables["pilot_answer"]["rows"] == Answer.objects.count() > 100
        # Tokens are credentials: never exported.
        assert b"hemlig-token" not in b"".join(archive.read(n) for n in archive.namelist())
        assert "token" not in tables["pilot_invitation"]["columns"]

    codebook = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode("utf-8"))))
    woman = next(
        r
        for r in codebook
        if r["table"] == "pilot_participant" and r["column"] == "gender" and r["code"] == "woman"
    )
    assert (woman["label_sv"], woman["label_en"]) == ("Kvinna", "Woman")
    assert any(r["column"] == "occasion" and r["table"] == "pilot_response" for r in codebook)
    assert AuditEvent.objects.filter(
        action="privacy.association_exported", association_slug="alfa"
    ).exists()
