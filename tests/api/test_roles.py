"""Every role against every kind of endpoint, on the right and the wrong host."""

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Activity
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ALFA_HOST = "alfa.localhost"
PUBLIC_HOST = "localhost"


@pytest.fixture
def people(alfa):
    return {
        role: user_with_role(role, alfa if role.value.startswith("association") else None)
        for role in Role
    }


# (method, host, path, body) -> which roles may do it
CASES = [
    (
        "get",
        ALFA_HOST,
        "/api/v1/activities/",
        None,
        {Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF},
    ),
    ("post", ALFA_HOST, "/api/v1/activities/", {"name": "Ny insats"}, {Role.ASSOCIATION_ADMIN}),
    (
        "get",
        ALFA_HOST,
        "/api/v1/association/",
        None,
        {Role.ASSOCIATION_ADMIN, Role.ASSOCIATION_STAFF},
    ),
    ("get", PUBLIC_HOST, "/api/v1/associations/", None, {Role.PLATFORM_ADMIN, Role.STEERING_GROUP}),
    (
        "post",
        PUBLIC_HOST,
        "/api/v1/associations/archive-target/archive/",
        None,
        {Role.PLATFORM_ADMIN},
    ),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "host", "path", "body", "allowed"), CASES)
def test_role_matrix(people, role, method, host, path, body, allowed):
    client = host_client(host, people[role])
    path = path.replace("archive-target", "beta")
    response = getattr(client, method)(path, data=body, content_type="application/json")
    if role in allowed:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["detail"]


def test_anonymous_gets_401_with_error_format():
    response = host_client(ALFA_HOST).get("/api/v1/activities/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_me_reports_roles_per_host(people, alfa):
    admin = people[Role.ASSOCIATION_ADMIN]
    assert host_client(ALFA_HOST, admin).get("/api/v1/me/").json()["roles"] == ["association_admin"]
    # On the national host the association role does not apply.
    assert host_client(PUBLIC_HOST, admin).get("/api/v1/me/").status_code == 403
    steering = people[Role.STEERING_GROUP]
    body = host_client(PUBLIC_HOST, steering).get("/api/v1/me/").json()
    assert body["roles"] == ["steering_group"] and body["association"] is None


def test_staff_write_is_refused_and_nothing_stored(people, alfa):
    client = host_client(ALFA_HOST, people[Role.ASSOCIATION_STAFF])
    response = client.post("/api/v1/activities/", {"name": "Smyg"}, content_type="application/json")
    assert response.status_code == 403
    with tenant_context(alfa):
        assert not Activity.objects.filter(name="Smyg").exists()
