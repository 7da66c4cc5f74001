"""Requests that cannot fail late and the release lifecycle (issue 15): variables checked
against the codebook when asked (API 400 with field detail, page message and field error),
several formats, organisation and ethics number, no personal identity number in the purpose,
no 5xx for any shape of request; refused and expired downloads audited, expired releases'
files deleted by the scheduled task, the steering group's overview of every release."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from national.datasets import (
    dataset_download_open,
    dataset_releases_expire,
    dataset_request_create,
    dataset_request_decide,
)
from national.models import DatasetRequest
from national.pooling import snapshot_publish, snapshot_start
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role
from tests.national.datasets.test_releases import PURPOSE, WHO

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(alfa, beta, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consenting_with_data((alfa, beta), seed=33, participants=80)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_start(actor=None)
    return snapshot_publish(actor=None, snapshot=snapshot)


@pytest.fixture
def people(db):
    return {
        "researcher": user_with_role(Role.RESEARCHER),
        "other": user_with_role(Role.RESEARCHER),
        "approver": user_with_role(Role.STEERING_GROUP),
    }


def visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_unknown_variables_refused_by_the_service_naming_each(people):
    with pytest.raises(ValidationError) as err:
        dataset_request_create(
            requester=people["researcher"],
            purpose=PURPOSE,
            fmt="csv",
            variables=["p1", "p3", "p99", "kön"],
            **WHO,
        )
    message = " ".join(err.value.message_dict["variables"])
    assert "p99" in message and "kön" in message
    assert "p1," not in message and "p3," not in message
    assert not DatasetRequest.objects.exists()


def test_api_400_with_field_detail(people):
    client = host_client("localhost", people["researcher"])
    response = client.post(
        "/api/v1/datasets/",
        {"purpose": PURPOSE, "formats": ["csv"], "variables": ["p1", "p3", "p99", "kön"], **WHO},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Uppgifterna är ogiltiga."
    assert "p99" in body["errors"]["variables"][0] and "kön" in body["errors"]["variables"][0]
    assert not DatasetRequest.objects.exists()


def test_page_refuses_with_message_and_field_error(people):
    client = host_client("localhost", people["researcher"])
    response = client.post(
        "/datasets/",
        {"purpose": PURPOSE, "formats": ["csv"], "variables": "p1 p3 p99 kön", "layout": "wide",
         "language": "sv", **WHO},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    text = visible(page)
    assert "Begäran är inte skickad: rätta de markerade fälten." in text
    errors = re.search(r'id="id_variables-errors"[^>]*>(.*?)</div>', page, re.S)
    assert errors and "p99" in errors.group(1) and "kön" in errors.group(1)
    assert not DatasetRequest.objects.exists()


def test_several_formats_ethics_and_organisation_stored(people):
    req = dataset_request_create(
        requester=people["researcher"],
        purpose=PURPOSE,
        formats=["sav", "dta", "csv", "sav"],
        organisation=" Örebro universitet ",
        ethics_dnr="Dnr 2024-01234-01",
        language="en",
    )
    assert req.formats == ["sav", "dta", "csv"]
    assert (req.organisation, req.ethics_dnr, req.language) == (
        "Örebro universitet",
        "2024-01234-01",
        "en",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ethics_dnr": ""}, "ethics_dnr"),
        ({"ethics_dnr": "EPN 123"}, "ethics_dnr"),
        ({"organisation": "  "}, "organisation"),
        ({"formats": []}, "formats"),
        ({"formats": ["json"]}, "formats"),
        ({"layout": "diagonal"}, "layout"),
        ({"language": "de"}, "language"),
        # a valid personnummer (Luhn) inside the purpose
        ({"purpose": "Uppföljning av deltagare 19121212-1212 i pilotstudien."}, "purpose"),
        ({"purpose": "Uppföljning av deltagare 121212-1212 i pilotstudien."}, "purpose"),
    ],
)
def test_each_bad_field_named(people, changes, field):
    data = {"purpose": PURPOSE, "formats": ["csv"], **WHO, **changes}
    with pytest.raises(ValidationError) as err:
        dataset_request_create(requester=people["researcher"], **data)
    assert field in err.value.message_dict
    client = host_client("localhost", people["researcher"])
    response = client.post("/api/v1/datasets/", data, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["errors"]


NASTY = [
    {},
    {"purpose": None},
    {"purpose": PURPOSE, "formats": "csv"},
    {"purpose": PURPOSE, "formats": [None]},
    {"purpose": PURPOSE, "formats": ["csv"], "variables": "p1"},
    {"purpose": PURPOSE, "formats": ["csv"], "variables": [["p1"]]},
    {"purpose": PURPOSE, "formats": ["csv"], "period_from": "2016-13-01"},
    {"purpose": PURPOSE, "formats": ["csv"], "period_from": "2017-01-01",
     "period_to": "2016-01-01", **WHO},
    {"purpose": "x" * 100_000, "formats": ["csv"], **WHO},
    {"purpose": PURPOSE, "formats": ["csv"] * 1000, **WHO, "association_names": "kanske"},
    {"purpose": PURPOSE, "fmt": "sav", "ethics_dnr": 2024, "organisation": ["x"]},
]  # fmt: skip


@pytest.mark.parametrize("body", NASTY)
def test_no_5xx_for_any_request_shape(people, body):
    client = host_client("localhost", people["researcher"])
    api = client.post("/api/v1/datasets/", body, content_type="application/json")
    assert api.status_code in (201, 400), api.content[:300]
    page = client.post("/datasets/", {k: v for k, v in body.items() if v is not None})
    assert page.status_code in (302, 400)


def test_no_5xx_on_review_and_download_urls(people):
    approver = host_client("localhost", people["approver"])
    for data in ({}, {"request": "abc"}, {"request": "999999"}, {"request": "-1"}):
        assert approver.post("/datasets/review/", data).status_code in (302, 404)
    researcher = host_client("localhost", people["researcher"])
    assert researcher.get("/datasets/999999/download/").status_code == 404
    assert researcher.get("/api/v1/datasets/999999/download/").status_code == 404
    assert approver.post(
        "/api/v1/datasets/999999/decision/", {"approve": True, "reason": "x"},
        content_type="application/json",
    ).status_code == 404  # fmt: skip


def test_codebook_page_lists_items_and_background_variables(people):
    from national.datasets import dataset_item_codes

    page = host_client("localhost", people["researcher"]).get("/datasets/codebook/")
    assert page.status_code == 200
    text = visible(page.content.decode())
    assert "Kodbok för forskningsdata" in text
    assert "Jag får stödet på ett sätt som är till nytta för mig." in text
    assert "Utfall vid avslut (register)" in text and "Annan behovsanpassad lösning" in text
    assert "-9 Vet inte / ej aktuellt" in text and "-8 Ej besvarad" in text
    for code in dataset_item_codes():
        assert f'id="var-{code}"' in page.content.decode()


# --------------------------------------------------------------------------- lifecycle


def _ready(people, django_capture_on_commit_callbacks) -> DatasetRequest:
    req = dataset_request_create(
        requester=people["researcher"], purpose=PURPOSE, formats=["csv", "sav"], **WHO
    )
    with django_capture_on_commit_callbacks(execute=True):
        dataset_request_decide(
            request=req, approver=people["approver"], approve=True, reason="Godkänt."
        )
    req.refresh_from_db()
    assert req.status == "ready", req.decision_reason
    return req


def test_refused_and_expired_downloads_audited(
    people,
    published,
    django_capture_on_commit_callbacks,
):
    req = _ready(people, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        dataset_download_open(request=req, user=people["other"])
    other = host_client("localhost", people["other"])
    refused_page = other.get(f"/datasets/{req.pk}/download/")
    assert refused_page.status_code == 403
    assert "Bara den som begärt utlämnandet kan hämta det." in visible(
        refused_page.content.decode()
    )
    DatasetRequest.objects.filter(pk=req.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    req.refresh_from_db()
    researcher = host_client("localhost", people["researcher"])
    assert researcher.get(f"/api/v1/datasets/{req.pk}/download/").status_code == 403
    refused = AuditEvent.objects.filter(action="dataset.download_refused").order_by("pk")
    reasons = [(e.actor_id, e.details["reason"]) for e in refused]
    assert reasons == [
        (people["other"].pk, "not_requester"),
        (people["other"].pk, "not_requester"),
        (people["researcher"].pk, "expired"),
    ]
    assert all(e.details["request"] == req.pk for e in refused)


def test_expired_release_files_deleted_by_scheduled_task(
    people,
    published,
    django_capture_on_commit_callbacks,
):
    from national.tasks import dataset_releases_expire_task

    keep = _ready(people, django_capture_on_commit_callbacks)
    gone = _ready(people, django_capture_on_commit_callbacks)
    assert Path(gone.file_path).is_file()
    DatasetRequest.objects.filter(pk=gone.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    # the task as the beat schedule names it
    entry = next(
        e for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "national.dataset_releases_expire"
    )  # fmt: skip
    assert int(entry["schedule"]) <= 24 * 3600  # type: ignore[call-overload]
    assert dataset_releases_expire_task.name == entry["task"]
    assert dataset_releases_expire_task.apply().get() == [gone.pk]
    gone.refresh_from_db()
    assert gone.status == "expired" and gone.file_path == "" and gone.purged_at is not None
    assert not Path(django_settings.MEDIA_ROOT, "releases", str(gone.pk)).exists()
    assert Path(keep.file_path).is_file()
    purged = AuditEvent.objects.get(action="dataset.purged")
    assert purged.details == {"request": gone.pk, "checksum": gone.checksum}
    assert dataset_releases_expire() == []  # idempotent
    with pytest.raises(PermissionDenied):
        dataset_download_open(request=gone, user=people["researcher"])


def test_steering_group_sees_every_release_requester_and_downloads(
    people,
    published,
    django_capture_on_commit_callbacks,
):
    req = _ready(people, django_capture_on_commit_callbacks)
    people["researcher"].first_name, people["researcher"].last_name = "Ada", "Forskare"
    people["researcher"].save()
    researcher = host_client("localhost", people["researcher"])
    for _ in range(2):
        assert researcher.get(f"/datasets/{req.pk}/download/").status_code == 200
    rejected = dataset_request_create(requester=people["other"], purpose=PURPOSE, fmt="dta", **WHO)
    dataset_request_decide(
        request=rejected, approver=people["approver"], approve=False, reason="Oklart syfte."
    )
    page = host_client("localhost", people["approver"]).get("/datasets/review/").content.decode()
    row = re.search(rf'<tr id="release-{req.pk}">(.*?)</tr>', page, re.S)
    assert row
    cells = visible(row.group(1))
    assert "Ada Forskare" in cells and "Örebro universitet" in cells
    assert "2024-01234-01" in cells and "Klar att hämta" in cells
    assert "CSV, SPSS (.sav)" in cells
    assert 'data-count="2"' in row.group(1)
    assert cells.count("(Ada Forskare)") == 2  # each download with its person
    other = re.search(rf'<tr id="release-{rejected.pk}">(.*?)</tr>', page, re.S)
    assert other and "Avslagen" in visible(other.group(1))
    assert "Oklart syfte." in visible(other.group(1))
