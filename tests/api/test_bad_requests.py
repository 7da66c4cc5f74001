"""Bad requests get a 4xx or a page message, never a 5xx (issue 18 point 3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Association
from tenants.roles import Role
from tenants.services import association_create
from tests.conftest import _valid_org, host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

NATIONAL_OPTIONS = [
    "/api/v1/health/worker/",
    "/api/v1/national/snapshots/",
    "/api/v1/national/snapshots/1/",
    "/api/v1/national/snapshots/1/resume/",
    "/api/v1/datasets/",
    "/api/v1/datasets/1/decision/",
    "/api/v1/associations/",
    "/api/v1/me/",
]
ASSOCIATION_OPTIONS = [
    "/api/v1/association/consent/",
    "/api/v1/association/",
    "/api/v1/health/worker/",
    "/api/v1/participants/",
    "/api/v1/responses/",
    "/api/v1/imports/",
]


@pytest.mark.parametrize("url", NATIONAL_OPTIONS)
def test_options_on_the_public_host(url):
    client = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    client_sg = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    for c in (client, client_sg, host_client("localhost")):
        response = c.options(url)
        assert response.status_code in {200, 401, 403}, (url, response.status_code)


@pytest.mark.parametrize("url", ASSOCIATION_OPTIONS)
def test_options_on_an_association_host(alfa, url):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    response = client.options(url)
    assert response.status_code == 200, (url, response.status_code)
    assert "actions" not in response.json()


def test_dashboard_with_a_point_that_is_not_a_number():
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    response = client.get("/national/?point=abc")
    assert response.status_code == 200


def test_review_post_with_a_request_that_is_not_a_number():
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    response = client.post("/datasets/review/", {"request": "abc", "decision": "approve"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "slug",
    ["tenant-template", "information-schema", "public", "pg-catalog", "pg-temp-1", "www", "api"],
)
def test_reserved_schema_names_are_refused(slug):
    with pytest.raises(ValidationError) as raised:
        association_create(
            name="Förbund X", slug=slug, org_number=_valid_org("222000-4444"), county="01"
        )
    assert raised.value.message_dict["slug"] == [
        f"Kortnamnet {slug} är reserverat av plattformen. Välj ett annat kortnamn."
    ]
    assert not Association.objects.filter(slug=slug).exists()


def test_reserved_slug_over_the_api_is_a_400_with_the_field():
    client = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    response = client.post(
        "/api/v1/associations/",
        {
            "name": "Mallförbundet",
            "slug": "tenant-template",
            "org_number": _valid_org("222000-4444"),
            "county": "01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reserverat" in str(response.json()["errors"]["slug"])
