"""PATCH /api/v1/associations/<slug>/ goes through ``tenants.services.association_update``:
the change is stored and audited; bad input is a 400 in the error shape and stores nothing."""

import pytest

from tenants.models import Association, AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_platform_admin_renames_an_association_and_it_is_audited(alfa):
    admin = user_with_role(Role.PLATFORM_ADMIN)
    response = host_client("localhost", admin).patch(
        f"/api/v1/associations/{alfa.slug}/",
        {"name": "Samordningsförbundet Alfa norra", "nns_member": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Samordningsförbundet Alfa norra"
    assert response.json()["nns_member"] is False
    stored = Association.objects.get(slug=alfa.slug)
    assert (stored.name, stored.nns_member) == ("Samordningsförbundet Alfa norra", False)
    event = AuditEvent.objects.get(action="association.updated")
    assert event.actor == admin and event.association_slug == alfa.slug
    assert event.details["fields"] == ["name", "nns_member"]


def test_bad_update_is_refused_with_field_errors_and_nothing_stored(alfa):
    before = alfa.county
    client = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    response = client.patch(
        f"/api/v1/associations/{alfa.slug}/",
        {"county": "atlantis"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "county" in response.json()["errors"]
    assert Association.objects.get(slug=alfa.slug).county == before
    assert not AuditEvent.objects.filter(action="association.updated").exists()


def test_steering_group_reads_but_does_not_update(alfa):
    client = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    url = f"/api/v1/associations/{alfa.slug}/"
    assert client.get(url).status_code == 200
    response = client.patch(url, {"name": "X"}, content_type="application/json")
    assert response.status_code == 403 and set(response.json()) == {"detail", "errors"}


def test_a_bad_query_parameter_is_a_400_not_ignored():
    client = host_client("localhost", user_with_role(Role.PLATFORM_ADMIN))
    response = client.get("/api/v1/associations/?archived=yes")
    assert response.status_code == 400 and "archived" in response.json()["errors"]
    assert client.get("/api/v1/associations/?archived=1").status_code == 200
