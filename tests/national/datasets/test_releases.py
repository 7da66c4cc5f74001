"""Researcher releases: request → approve → download by the requester only, audited."""

import datetime as dt
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from national.datasets import (
    dataset_download_open,
    dataset_request_create,
    dataset_request_decide,
)
from national.models import DatasetDownload, DatasetRequest
from national.pooling import snapshot_publish, snapshot_start
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import consenting_with_data, host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PURPOSE = "Reliabilitetsanalys av deltagarformulären inom pilotstudien."
WHO = {"organisation": "Örebro universitet", "ethics_dnr": "2024-01234-01"}


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


def test_request_validation(people):
    with pytest.raises(ValidationError) as err:
        dataset_request_create(requester=people["researcher"], purpose="kort", fmt="csv", **WHO)
    assert "purpose" in err.value.message_dict


def test_approval_rules(people, published):
    req = dataset_request_create(requester=people["researcher"], purpose=PURPOSE, fmt="csv", **WHO)
    with pytest.raises(PermissionDenied):  # nobody approves their own request
        dataset_request_decide(
            request=req, approver=people["researcher"], approve=True, reason="ok"
        )
    with pytest.raises(ValidationError):
        dataset_request_decide(request=req, approver=people["approver"], approve=False, reason="")
    rejected = dataset_request_decide(
        request=req,
        approver=people["approver"],
        approve=False,
        reason="Syftet kräver inte mikrodata.",
    )
    assert rejected.status == "rejected"
    with pytest.raises(PermissionDenied):
        dataset_download_open(request=rejected, user=people["researcher"])
    assert AuditEvent.objects.filter(action="dataset.rejected").exists()


def test_approved_release_is_frozen_and_only_the_requester_downloads(
    people, published, django_capture_on_commit_callbacks
):
    req = dataset_request_create(
        requester=people["researcher"],
        purpose=PURPOSE,
        formats=["csv", "sav"],
        variables=["p1", "p2", "p3"],
        **WHO,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dataset_request_decide(
            request=req, approver=people["approver"], approve=True, reason="Godkänt enligt beslut."
        )
    req.refresh_from_db()
    assert req.status == "ready", req.decision_reason
    assert req.snapshot == published and len(req.checksum) == 64
    assert "sammanställning" in req.citation
    assert req.expires_at is not None and req.expires_at > timezone.now()
    with pytest.raises(PermissionDenied):
        dataset_download_open(request=req, user=people["other"])
    path, _name = dataset_download_open(request=req, user=people["researcher"])
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert {"csv/datapackage.json", "csv/codebook.html", "csv/data.csv", "csv/data.R"} <= set(names)
    assert {"sav/data.sav", "sav/codebook.html"} <= set(names)
    assert (
        DatasetDownload.objects.filter(
            request=req, user=people["researcher"], checksum=req.checksum
        ).count()
        == 1
    )
    # Expired: no more downloads.
    DatasetRequest.objects.filter(pk=req.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    req.refresh_from_db()
    with pytest.raises(PermissionDenied):
        dataset_download_open(request=req, user=people["researcher"])


def test_pages_request_review_download(people, published, django_capture_on_commit_callbacks):
    researcher = host_client("localhost", people["researcher"])
    response = researcher.post(
        "/datasets/",
        {"purpose": PURPOSE, "layout": "wide", "formats": ["parquet", "dta"],
         "variables": ["p1", "p2"], "language": "sv", **WHO},
    )  # fmt: skip
    assert response.status_code == 302
    req = DatasetRequest.objects.get(requester=people["researcher"])
    approver = host_client("localhost", people["approver"])
    assert f"request-{req.pk}" in approver.get("/datasets/review/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approver.post(
            "/datasets/review/", {"request": req.pk, "decision": "approve", "reason": "Godkänt."}
        )
    req.refresh_from_db()
    assert req.status == "ready"
    download = researcher.get(f"/datasets/{req.pk}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body[:2] == b"PK"
    other = host_client("localhost", people["other"])
    assert other.get(f"/datasets/{req.pk}/download/").status_code == 403
    assert approver.get("/datasets/").status_code == 403  # steering group: not a researcher


def test_api_request_decide_download(people, published, django_capture_on_commit_callbacks):
    researcher = host_client("localhost", people["researcher"])
    created = researcher.post(
        "/api/v1/datasets/",
        {"purpose": PURPOSE, "fmt": "dta", **WHO},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    approver = host_client("localhost", people["approver"])
    assert (
        researcher.post(
            f"/api/v1/datasets/{pk}/decision/",
            {"approve": True, "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert researcher.get(f"/api/v1/datasets/{pk}/download/").status_code == 403  # not approved
    with django_capture_on_commit_callbacks(execute=True):
        decided = approver.post(
            f"/api/v1/datasets/{pk}/decision/",
            {"approve": True, "reason": "Godkänt."},
            content_type="application/json",
        )
    assert decided.status_code == 200
    listing = researcher.get("/api/v1/datasets/").json()["results"][0]
    assert listing["status"] == "ready" and listing["checksum"]
    download = researcher.get(f"/api/v1/datasets/{pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    other = host_client("localhost", people["other"])
    assert other.get(f"/api/v1/datasets/{pk}/download/").status_code == 403
    assert DatasetDownload.objects.filter(request_id=pk).count() == 1


@pytest.mark.parametrize("fmt", ["sav", "parquet"])
def test_build_reports_progress_and_checksums_the_archive(
    people, published, django_capture_on_commit_callbacks, fmt
):
    import hashlib

    from national.datasets import STAGES, dataset_build_run

    req = dataset_request_create(
        requester=people["researcher"], purpose=PURPOSE, fmt=fmt, layout="long", **WHO
    )
    with django_capture_on_commit_callbacks(execute=False):  # the task is run by hand below
        dataset_request_decide(
            request=req, approver=people["approver"], approve=True, reason="Godkänt."
        )
    seen: list[tuple[str, float]] = []
    built = dataset_build_run(request_id=req.pk, progress=lambda s, p: seen.append((s, p)))
    assert built.status == "ready"
    stages = list(dict.fromkeys(s for s, _ in seen))
    assert stages == list(STAGES)
    shares = [p for _, p in seen]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    with open(built.file_path, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == built.checksum
    with zipfile.ZipFile(built.file_path) as zf:
        assert zf.testzip() is None
        assert f"{fmt}/data.{fmt}" in zf.namelist()


def test_build_task_records_progress_for_the_pages(
    people, published, django_capture_on_commit_callbacks, monkeypatch
):
    from national.datasets import STAGES, dataset_progress_set
    from national.datasets import tasks as dataset_tasks
    from national.tasks import dataset_build_task

    recorded: list[tuple[str, int]] = []

    def spy(*, request_id: int, stage: str, percent: int) -> None:
        recorded.append((stage, percent))
        dataset_progress_set(request_id=request_id, stage=stage, percent=percent)

    monkeypatch.setattr(dataset_tasks, "dataset_progress_set", spy)

    req = dataset_request_create(
        requester=people["researcher"], purpose=PURPOSE, fmt="parquet", layout="wide", **WHO
    )
    with django_capture_on_commit_callbacks(execute=False):
        dataset_request_decide(
            request=req, approver=people["approver"], approve=True, reason="Godkänt."
        )
    req.refresh_from_db()
    assert req.status == "building" and req.progress == 0
    # what the running task writes, as the list page and the API show it
    dataset_progress_set(request_id=req.pk, stage="write", percent=42)
    researcher = host_client("localhost", people["researcher"])
    listed = researcher.get("/api/v1/datasets/").json()["results"]
    mine = next(r for r in listed if r["id"] == req.pk)
    assert (mine["progress"], mine["progress_stage"]) == (42, "write")
    page = researcher.get("/datasets/").content.decode()
    assert 'value="42"' in page
    dataset_build_task.apply(args=[req.pk])
    stages = list(dict.fromkeys(stage for stage, _ in recorded))
    assert stages == list(STAGES)
    assert [p for _, p in recorded] == sorted(p for _, p in recorded)
    req.refresh_from_db()
    assert (req.status, req.progress, req.progress_stage) == ("ready", 100, "done")
    # progress is only written while building
    dataset_progress_set(request_id=req.pk, stage="load", percent=1)
    req.refresh_from_db()
    assert req.progress == 100
