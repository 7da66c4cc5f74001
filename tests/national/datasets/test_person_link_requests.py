"""Personkoppling on the request (page and API), the steering group's review page, the audit
trail and the built archive: without a link unless asked for; with it, pseudonyms of the
release's own that no other release and not the national layer shares."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from national.datasets import dataset_request_create, dataset_request_decide
from national.models import DatasetRequest, PooledResponse
from tenants.models import AuditEvent
from tests.conftest import host_client
from tests.national.datasets.test_releases import PURPOSE, WHO, people, published  # noqa: F401
from tests.national.datasets.test_request_lifecycle import visible

pytestmark = pytest.mark.django_db


def _archive_csv(request: DatasetRequest) -> tuple[list[dict[str, str]], str]:
    request.refresh_from_db()
    assert request.status == "ready", request.decision_reason
    with zipfile.ZipFile(request.file_path) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("csv/data.csv").decode("utf-8"))))
        codebook = zf.read("csv/codebook.html").decode("utf-8")
    return rows, codebook


def _approve(request: DatasetRequest, approver, capture) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        dataset_request_decide(request=request, approver=approver, approve=True, reason="Ok.")


def test_page_request_with_link_reviewed_built_and_audited(
    people,  # noqa: F811
    published,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    researcher = host_client("localhost", people["researcher"])
    form = researcher.get("/datasets/").content.decode()
    # The choice, its help text, "without" chosen unless the researcher asks.
    assert re.search(r'<input[^>]*name="person_link"[^>]*value="none"[^>]*checked', form)
    assert "Utan personkoppling" in form and "kan peka ut personen" in visible(form)
    response = researcher.post(
        "/datasets/",
        {"purpose": PURPOSE, "layout": "wide", "formats": ["csv"], "variables": ["p1"],
         "language": "sv", "person_link": "linked", **WHO},
    )  # fmt: skip
    assert response.status_code == 302
    req = DatasetRequest.objects.get(requester=people["researcher"])
    assert req.person_link == "linked"
    audit = AuditEvent.objects.get(action="dataset.requested")
    assert audit.details == {"request": req.pk, "person_link": "linked"}
    mine = visible(researcher.get("/datasets/").content.decode())
    assert "Med personkoppling (pseudonym för detta utlämnande)" in mine

    approver = host_client("localhost", people["approver"])
    page = approver.get("/datasets/review/").content.decode()
    section = re.search(
        rf'<section class="request" id="request-{req.pk}">(.*?)</section>', page, re.S
    )
    assert section and 'data-person-link="linked"' in section.group(1)
    assert "Länkar personer: raderna för en och samma person" in visible(section.group(1))

    with django_capture_on_commit_callbacks(execute=True):
        approver.post(
            "/datasets/review/", {"request": req.pk, "decision": "approve", "reason": "Ok."}
        )
    approved = AuditEvent.objects.get(action="dataset.approved")
    assert approved.details["person_link"] == "linked"
    rows, codebook = _archive_csv(req)
    national = set(
        PooledResponse.objects.filter(snapshot=published)
        .exclude(pseudonym="")
        .values_list("pseudonym", flat=True)
    )
    released = {r["pseudonym"] for r in rows if r["pseudonym"]}
    assert released and not released & national
    assert "Med personkoppling (pseudonym för detta utlämnande)" in codebook
    row = re.search(
        rf'<tr id="release-{req.pk}">(.*?)</tr>',
        approver.get("/datasets/review/").content.decode(),
        re.S,
    )
    assert row and "Med personkoppling" in visible(row.group(1))


def test_default_release_has_no_pseudonym_and_two_linked_releases_differ(
    people,  # noqa: F811
    published,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    plain = dataset_request_create(
        requester=people["researcher"], purpose=PURPOSE, fmt="csv", variables=["p1"], **WHO
    )
    assert plain.person_link == "none"
    page = host_client("localhost", people["approver"]).get("/datasets/review/").content.decode()
    section = re.search(rf'id="request-{plain.pk}">(.*?)</section>', page, re.S)
    assert section and "Utan personkoppling: ingen pseudonym" in visible(section.group(1))
    _approve(plain, people["approver"], django_capture_on_commit_callbacks)
    rows, codebook = _archive_csv(plain)
    assert rows and "pseudonym" not in rows[0]
    assert "Utan personkoppling" in codebook and "inte kopplas ihop" in codebook

    # numbered 1..n in an order of its own: a second release of the same request holds the
    # same rows under other numbers, so the two cannot be joined on `response`
    def by_number(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
        ordered = sorted(rows, key=lambda r: int(r["response"]))
        return [tuple(v for k, v in r.items() if k != "response") for r in ordered]

    numbers = sorted(int(r["response"]) for r in rows)
    assert numbers == list(range(1, len(rows) + 1))
    again = dataset_request_create(
        requester=people["researcher"], purpose=PURPOSE, fmt="csv", variables=["p1"], **WHO
    )
    _approve(again, people["approver"], django_capture_on_commit_callbacks)
    one, other = by_number(rows), by_number(_archive_csv(again)[0])
    assert sorted(one) == sorted(other) and one != other

    linked = [
        dataset_request_create(requester=people["researcher"], purpose=PURPOSE, fmt="csv",
                               variables=["p1"], person_link="linked", **WHO)
        for _ in range(2)
    ]  # fmt: skip
    for req in linked:
        _approve(req, people["approver"], django_capture_on_commit_callbacks)
    first, second = ({r["pseudonym"] for r in _archive_csv(req)[0] if r["pseudonym"]}
                     for req in linked)  # fmt: skip
    assert first and second and not first & second


def test_api_person_link_in_and_out(people):  # noqa: F811
    researcher = host_client("localhost", people["researcher"])
    body = {"purpose": PURPOSE, "fmt": "csv", **WHO}
    plain = researcher.post("/api/v1/datasets/", body, content_type="application/json")
    assert plain.status_code == 201 and plain.json()["person_link"] == "none"
    linked = researcher.post(
        "/api/v1/datasets/", {**body, "person_link": "linked"}, content_type="application/json"
    )
    assert linked.status_code == 201 and linked.json()["person_link"] == "linked"
    listing = researcher.get("/api/v1/datasets/").json()["results"]
    assert {r["person_link"] for r in listing} == {"none", "linked"}
    bad = researcher.post(
        "/api/v1/datasets/", {**body, "person_link": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["person_link"] == ["Välj med eller utan personkoppling."]


def test_page_refuses_an_unknown_choice(people):  # noqa: F811
    researcher = host_client("localhost", people["researcher"])
    response = researcher.post(
        "/datasets/",
        {"purpose": PURPOSE, "layout": "wide", "formats": ["csv"], "language": "sv",
         "person_link": "maybe", **WHO},
    )  # fmt: skip
    assert response.status_code == 400
    assert "id_person_link-errors" in response.content.decode()
    assert not DatasetRequest.objects.exists()
