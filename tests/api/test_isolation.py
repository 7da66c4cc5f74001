"""A member of association A gets no data of B through any host name, URL or id."""

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Activity
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import ActivityFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def alfa_admin(alfa):
    return user_with_role(Role.ASSOCIATION_ADMIN, alfa)


def test_member_of_a_is_refused_on_b_host(alfa_admin):
    client = host_client("beta.localhost", alfa_admin)
    for path in ["/api/v1/activities/", "/api/v1/association/", "/api/v1/activities/1/"]:
        assert client.get(path).status_code == 403, path


def test_ids_of_b_do_not_resolve_on_a_host(alfa, beta, alfa_admin):
    with tenant_context(beta):
        secret = ActivityFactory(name="Betas hemliga insats")
        # Make sure the id is not also used in alfa's own sequence.
        for _ in range(3):
            ActivityFactory()
        secret_id = secret.id
    with tenant_context(alfa):
        assert not Activity.objects.filter(id=secret_id).exists()
    client = host_client("alfa.localhost", alfa_admin)
    response = client.get(f"/api/v1/activities/{secret_id}/")
    assert response.status_code == 404
    listing = client.get("/api/v1/activities/").json()
    assert "Betas hemliga insats" not in {a["name"] for a in listing["results"]}


def test_writes_on_a_host_land_in_a_schema_only(alfa, beta, alfa_admin):
    client = host_client("alfa.localhost", alfa_admin)
    response = client.post(
        "/api/v1/activities/", {"name": "Alfas nya"}, content_type="application/json"
    )
    assert response.status_code == 201
    with tenant_context(alfa):
        assert Activity.objects.filter(name="Alfas nya").exists()
    with tenant_context(beta):
        assert not Activity.objects.filter(name="Alfas nya").exists()


def test_unknown_host_is_404(alfa_admin):
    assert host_client("gamma.localhost", alfa_admin).get("/api/v1/me/").status_code == 404


def test_archived_association_host_serves_nothing(alfa, alfa_admin):
    from tenants.services import association_archive

    association_archive(association=alfa, actor=None)
    assert host_client("alfa.localhost", alfa_admin).get("/api/v1/activities/").status_code == 404


def test_national_endpoints_do_not_exist_on_association_host(alfa):
    platform_admin = user_with_role(Role.PLATFORM_ADMIN)
    client = host_client("alfa.localhost", platform_admin)
    assert client.get("/api/v1/associations/").status_code == 404
    # and a platform administrator holds no association role there
    assert client.get("/api/v1/activities/").status_code == 403
