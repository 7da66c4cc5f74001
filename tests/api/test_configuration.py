"""Configuration through the API, and that it stays inside the association."""

import pytest

from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SIX_LABELS = [{"value": v, "sv": f"Steg {v}"} for v in range(1, 7)]


@pytest.fixture
def alfa_api(alfa):
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))


@pytest.fixture
def beta_api(beta):
    return host_client("beta.localhost", user_with_role(Role.ASSOCIATION_ADMIN, beta))


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_activity_forms_schedule_item_and_target(alfa_api):
    activity = _post(
        alfa_api,
        "/api/v1/activities/",
        {"name": "Stödpunkten", "form_codes": ["participant_during"]},
    ).json()
    assert activity["form_codes"] == ["participant_during"]
    forms = alfa_api.put(
        f"/api/v1/activities/{activity['id']}/forms/",
        {"form_codes": ["participant_during", "staff_participant"]},
        content_type="application/json",
    )
    assert forms.status_code == 200
    schedule = _post(
        alfa_api,
        f"/api/v1/activities/{activity['id']}/schedules/",
        {"form_code": "staff_participant", "occasion": "periodic", "interval_months": 2},
    )
    assert schedule.status_code == 201, schedule.content
    item = _post(
        alfa_api,
        "/api/v1/local-items/",
        {
            "code": "trivsel",
            "text_sv": "Jag trivs.",
            "kind": "likert",
            "scale_points": 6,
            "scale_labels": SIX_LABELS,
            "activities": [activity["id"]],
        },
    )
    assert item.status_code == 201, item.content
    assert item.json()["is_local"] is True
    target = _post(
        alfa_api,
        "/api/v1/local-targets/",
        {
            "local_item": item.json()["id"],
            "kind": "share_at_least",
            "category": 4,
            "percent": "80",
            "valid_from": "2018-01-01",
        },
    )
    assert target.status_code == 201, target.content
    assert target.json()["rule"] == "Minst 80\N{NO-BREAK SPACE}% svarar 4 eller högre"


def test_invalid_configuration_gets_field_errors(alfa_api):
    response = _post(
        alfa_api,
        "/api/v1/local-items/",
        {"code": "en", "text_sv": "En", "kind": "likert", "scale_points": 1},
    )
    assert response.status_code == 400
    assert "scale_points" in response.json()["errors"]
    response = _post(
        alfa_api,
        "/api/v1/local-targets/",
        {
            "point_number": 26,
            "kind": "share_at_least",
            "category": 4,
            "percent": "80",
            "valid_from": "2018-01-01",
        },
    )
    assert response.status_code == 400 and "point_number" in response.json()["errors"]


def test_local_items_and_targets_are_invisible_to_other_associations(alfa_api, beta_api):
    item = _post(
        alfa_api,
        "/api/v1/local-items/",
        {"code": "alfas-fraga", "text_sv": "Alfas egen fråga", "kind": "yes_no"},
    ).json()
    _post(
        alfa_api,
        "/api/v1/local-targets/",
        {
            "local_item": item["id"],
            "kind": "share_at_least",
            "category": 1,
            "percent": "50",
            "valid_from": "2018-01-01",
        },
    )
    assert beta_api.get("/api/v1/local-items/").json()["count"] == 0
    assert beta_api.get("/api/v1/local-targets/").json()["count"] == 0
    # Beta cannot attach a target to Alfa's item by id: the id does not exist in Beta's schema.
    response = _post(
        beta_api,
        "/api/v1/local-targets/",
        {
            "local_item": item["id"],
            "kind": "share_at_least",
            "category": 1,
            "percent": "50",
            "valid_from": "2018-01-01",
        },
    )
    assert response.status_code == 400 and "local_item" in response.json()["errors"]


def test_national_targets_set_nationally_and_read_everywhere(alfa_api):
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    response = _post(
        steering,
        "/api/v1/national-targets/",
        {
            "point": 1,
            "kind": "share_at_least",
            "category": 4,
            "percent": "80",
            "valid_from": "2016-01-01",
        },
    )
    assert response.status_code == 201, response.content
    listing = alfa_api.get("/api/v1/national-targets/").json()
    assert [t["point"] for t in listing["results"]] == [1]
    # An association administrator cannot set national targets on either host.
    assert _post(alfa_api, "/api/v1/national-targets/", {"point": 2}).status_code == 403
    researcher = host_client("localhost", user_with_role(Role.RESEARCHER))
    assert _post(researcher, "/api/v1/national-targets/", {"point": 2}).status_code == 403


def test_publishing_is_for_the_steering_group_only():
    admin = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    steering = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    path = "/api/v1/instrument/versions/2015.1/publish/"
    assert admin.post(path).status_code == 403
    response = steering.post(path)  # already published: refused with a reason
    assert response.status_code == 400 and response.json()["errors"]


def test_good_example_with_attachment(alfa_api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _post(
        alfa_api,
        "/api/v1/local-items/",
        {"code": "gott", "text_sv": "Gott exempel", "kind": "good_example"},
    ).json()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("berattelse.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = alfa_api.post(
        "/api/v1/good-examples/",
        {
            "local_item": item["id"],
            "reported_on": "2018-05-01",
            "title": "Från praktik till jobb",
            "text": "En deltagare gick från praktik till anställning.",
            "attachment": upload,
        },
    )
    assert response.status_code == 201, response.content
    stored = list(tmp_path.rglob("berattelse*.pdf"))
    assert len(stored) == 1 and "good_examples/alfa/2018" in str(stored[0])
    bad = alfa_api.post(
        "/api/v1/good-examples/",
        {
            "local_item": item["id"],
            "reported_on": "2018-05-01",
            "title": "x",
            "text": "y",
            "attachment": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )
    assert bad.status_code == 400 and "attachment" in bad.json()["errors"]
    pnr = _post(
        alfa_api,
        "/api/v1/good-examples/",
        {
            "local_item": item["id"],
            "reported_on": "2018-05-01",
            "title": "x",
            "text": "Gäller 811218-9876",
        },
    )
    assert pnr.status_code == 400 and "text" in pnr.json()["errors"]
