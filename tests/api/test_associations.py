import pytest
from django_tenants.utils import schema_exists

from tenants.models import Association, AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))


def test_platform_admin_provisions_through_api(client):
    response = client.post(
        "/api/v1/associations/",
        {
            "slug": "delta",
            "name": "Samordningsförbundet Delta",
            "org_number": "2021005448",
            "county": "12",
            "member_bodies": [
                {"kind": "municipality", "name": "Deltakommun"},
                {"kind": "region", "name": "Region Skåne"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org_number"] == "202100-5448"
    assert body["host"] == "delta.localhost"
    assert schema_exists("delta")
    assert AuditEvent.objects.get(action="association.created", association_slug="delta").actor


def test_invalid_provisioning_has_field_errors_and_stores_nothing(client):
    response = client.post(
        "/api/v1/associations/",
        {"slug": "delta", "name": "Delta", "org_number": "202100-5449", "county": "12"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "org_number" in body["errors"]
    assert not Association.objects.filter(slug="delta").exists()
    assert not schema_exists("delta")


def test_listing_is_paginated(client):
    body = client.get("/api/v1/associations/?page_size=1").json()
    assert body["count"] >= 2 and len(body["results"]) == 1 and body["next"]


def test_purge_through_api_needs_confirmation(client, beta):
    assert client.post("/api/v1/associations/beta/archive/").status_code == 200
    response = client.post(
        "/api/v1/associations/beta/purge/", {"confirm": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400 and "confirm" in response.json()["errors"]
    assert schema_exists("beta")
    response = client.post(
        "/api/v1/associations/beta/purge/", {"confirm": "beta"}, content_type="application/json"
    )
    assert response.status_code == 204
    assert not schema_exists("beta")


def test_consent_is_recorded_by_association_admin(alfa):
    admin = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    client = host_client("alfa.localhost", admin)
    response = client.put(
        "/api/v1/association/consent/", {"consent": True}, content_type="application/json"
    )
    assert response.status_code == 400 and "given_by" in response.json()["errors"]
    response = client.put(
        "/api/v1/association/consent/",
        {"consent": True, "given_by": "Styrelsebeslut 2015-03-12 § 14", "date": "2015-03-12"},
        content_type="application/json",
    )
    assert response.status_code == 200
    alfa.refresh_from_db()
    assert alfa.pooling_consent and str(alfa.pooling_consent_date) == "2015-03-12"
    assert AuditEvent.objects.filter(action="association.consent_granted").exists()


def test_openapi_schema_and_docs_serve_without_cdn():
    client = host_client("localhost")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/associations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
    tenant_schema = host_client("alfa.localhost").get("/api/schema/")
    assert b"/api/v1/activities/" in tenant_schema.content
