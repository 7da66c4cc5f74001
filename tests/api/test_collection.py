"""Collecting answers through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from pilot.models import Participant, Response
from pilot.services import activity_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

EXIT = {"p2": 4, "p4": 5, "p6": "dont_know", "p9": 3, "p11": 4, "p12": 2, "p14": 5, "p18": 4}


@pytest.fixture
def activity(alfa):
    with tenant_context(alfa):
        return activity_create(
            name="API-insats",
            form_codes=["participant_exit", "participant_during", "board"],
            actor=None,
        )


@pytest.fixture
def api(alfa):
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))


def _submission(code="A-1", **overrides):
    return {
        "form_code": "participant_exit",
        "occasion": "exit",
        "activity": "API-insats",
        "answered_on": "2016-03-01",
        "participant_code": code,
        "participant": {"gender": "man", "age_band": "30-39", "started_on": "2015-10-01"},
        "answers": EXIT,
        **overrides,
    }


def test_batch_submit_is_atomic_and_idempotent(api, alfa, activity):
    body = {"submissions": [_submission("A-1"), _submission("A-2")]}
    first = api.post(
        "/api/v1/responses/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="batch-1"
    )
    assert first.status_code == 201, first.content
    again = api.post(
        "/api/v1/responses/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="batch-1"
    )
    assert again.status_code == 200 and again.json()["created"] is False
    assert [r["id"] for r in again.json()["responses"]] == [
        r["id"] for r in first.json()["responses"]
    ]
    with tenant_context(alfa):
        assert Response.objects.count() == 2


def test_overlong_idempotency_key_is_a_field_error_not_a_crash(api, alfa, activity):
    body = {"submissions": [_submission("A-1")]}
    response = api.post(
        "/api/v1/responses/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k" * 81
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    with tenant_context(alfa):
        assert not Response.objects.exists()
    longest = api.post(
        "/api/v1/responses/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k" * 80
    )
    assert longest.status_code == 201


def test_invalid_row_rejects_the_batch_with_row_field_errors(api, alfa, activity):
    body = {
        "submissions": [_submission("A-1"), _submission("A-2", answers={**EXIT, "p2": 9, "p77": 1})]
    }
    response = api.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "submissions.1.answers.p2" in errors and "submissions.1.answers.p77" in errors
    with tenant_context(alfa):
        assert not Response.objects.exists() and not Participant.objects.exists()


def test_personal_number_anywhere_in_payload_is_refused(api, alfa, activity):
    body = {"submissions": [_submission("A-1", key="19811218-9876")]}
    response = api.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 400 and "Personnummer" in str(response.json())
    with tenant_context(alfa):
        assert not Response.objects.exists()


def test_malformed_payloads(api, activity):
    for body in [
        {},
        {"submissions": []},
        {"submissions": [{"form_code": "board"}]},
        {"submissions": [_submission(answered_on="2016-02-30")]},
    ]:
        response = api.post("/api/v1/responses/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert set(response.json()) == {"detail", "errors"}


def test_participants_exit_and_register_data(api, alfa, activity):
    created = api.post(
        "/api/v1/participants/",
        {
            "code": "R-1",
            "gender": "woman",
            "age_band": "25-29",
            "activity": activity.pk,
            "started_on": "2015-09-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    exit_ = api.put(
        "/api/v1/participants/R-1/exit/",
        {
            "exited_on": "2016-04-01",
            "exit_outcome": "work",
            "subsidised_work": True,
            "followup_months": 6,
            "followup_status": "work",
        },
        content_type="application/json",
    )
    assert exit_.status_code == 200 and exit_.json()["exit_outcome"] == "work"
    bad = api.put(
        "/api/v1/participants/R-1/exit/",
        {"exited_on": "2014-01-01", "exit_outcome": "studies", "subsidised_work": True},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"exited_on", "subsidised_work"} <= set(bad.json()["errors"])
    pnr = api.post(
        "/api/v1/participants/",
        {
            "code": "811218-9876",
            "gender": "woman",
            "age_band": "25-29",
            "activity": activity.pk,
            "started_on": "2015-09-01",
        },
        content_type="application/json",
    )
    assert pnr.status_code == 400
    fte = api.post(
        "/api/v1/register/municipality-years/",
        {
            "municipality": "Robertsfors",
            "year": 2018,
            "sickness_disability_fte": "210.5",
            "labour_market_fte": "95.0",
            "financial_assistance_fte": "40.2",
            "population_20_64": 3600,
        },
        content_type="application/json",
    )
    assert fte.status_code == 201, fte.content
    upsert = api.post(
        "/api/v1/register/municipality-years/",
        {
            "municipality": "Robertsfors",
            "year": 2018,
            "sickness_disability_fte": "200",
            "labour_market_fte": "90",
            "financial_assistance_fte": "40",
            "population_20_64": 3600,
        },
        content_type="application/json",
    )
    assert upsert.status_code == 201
    assert api.get("/api/v1/register/municipality-years/").json()["count"] == 1


def test_invitations_rates_and_links(api, alfa, beta, activity):
    issued = api.post(
        "/api/v1/invitations/",
        {"form_code": "board", "occasion": "half_yearly", "activity": activity.pk, "count": 3},
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.content
    links = issued.json()
    assert len(links) == 3 and len({i["short_code"] for i in links}) == 3
    url = links[0]["url"]
    path = url[url.index("/q/") :]
    answered = host_client("alfa.localhost").post(
        path, {"p21": "4", "p24": "5", "p25": "dont_know", "action": "submit"}
    )
    assert answered.status_code == 200
    rates = api.get("/api/v1/response-rates/").json()
    board = next(r for r in rates if r["form_code"] == "board")
    assert (board["issued"], board["answered"], board["responses"]) == (3, 1, 1)
    assert board["rate"] == pytest.approx(1 / 3)
    # The same link on another association's host does not resolve.
    assert host_client("beta.localhost").get(path).status_code == 404


def test_import_through_api(api, alfa, activity):
    header = (
        "participant_code,gender,age_band,started_on,activity,occasion,answered_on,"
        "p2,p4,p6,p9,p11,p12,p13,p14,p18"
    )
    good = f"{header}\nI-1,woman,25-29,2015-09-01,API-insats,exit,2016-03-01,4,5,3,3,4,2,,5,4\n"
    upload = SimpleUploadedFile("exit.csv", good.encode(), content_type="text/csv")
    response = api.post("/api/v1/imports/", {"form_code": "participant_exit", "file": upload})
    assert response.status_code == 201, response.content
    upload = SimpleUploadedFile("exit.csv", good.encode(), content_type="text/csv")
    again = api.post("/api/v1/imports/", {"form_code": "participant_exit", "file": upload})
    assert again.status_code == 200 and again.json()["created"] is False
    bad = good.replace("I-1,", "I-2,").replace(",4,5,3,", ",4,8,3,")
    upload = SimpleUploadedFile("bad.csv", bad.encode(), content_type="text/csv")
    rejected = api.post("/api/v1/imports/", {"form_code": "participant_exit", "file": upload})
    assert rejected.status_code == 400
    assert {k: rejected.json()["rows"][0][k] for k in ("row", "column")} == {
        "row": 2,
        "column": "p4",
    }
    template = api.get("/api/v1/imports/template/?form_code=participant_exit&filetype=xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    with tenant_context(alfa):
        assert Response.objects.count() == 1


def test_municipality_file_import_through_api(api, alfa):
    header = (
        "municipality,year,sickness_disability_fte,labour_market_fte,"
        "financial_assistance_fte,population_20_64\n"
    )
    upload = SimpleUploadedFile("k.csv", (header + "Umeå,2018,1000,400,300,-5\n").encode())
    bad = api.post("/api/v1/register/municipality-years/import/", {"file": upload})
    assert bad.status_code == 400 and bad.json()["rows"][0]["column"] == "population_20_64"
    upload = SimpleUploadedFile("k.csv", (header + "Umeå,2018,1000,400,300,80000\n").encode())
    assert (
        api.post("/api/v1/register/municipality-years/import/", {"file": upload}).status_code == 201
    )
