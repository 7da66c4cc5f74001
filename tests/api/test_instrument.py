import pytest

from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", "alfa.localhost"])
def test_instrument_is_readable_on_every_host(alfa, host):
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    if host == "localhost":
        user = user_with_role(Role.RESEARCHER)
    body = host_client(host, user).get("/api/v1/instrument/versions/2015.1/").json()
    assert len(body["indicators"]) == 15 and len(body["points"]) == 26
    assert sum(len(p["items"]) for p in body["points"]) == 28
    manager = next(f for f in body["forms"] if f["code"] == "manager")
    assert manager["items"] == ["p17a", "p17b", "p17c", "p19"]
    assert [label["value"] for label in body["scale_labels"]] == [1, 2, 3, 4, 5]


def test_unknown_version_is_404_in_error_format(alfa):
    user = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    response = host_client("alfa.localhost", user).get("/api/v1/instrument/versions/9.9/")
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
