"""Targets over time through the API: yes/no sets, revise from a date, PATCH and end (local on
the association's host, national on the national host), errors as 400 with fields."""

import pytest

from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
NBSP = "\N{NO-BREAK SPACE}"


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, body, content_type="application/json")


def test_local_targets_revise_patch_and_end(alfa, beta):
    api = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    item = _post(
        api,
        "/api/v1/local-items/",
        {"code": "droger", "text_sv": "Använder du droger?", "kind": "yes_no"},
    ).json()
    first = _post(
        api,
        "/api/v1/local-targets/",
        {
            "local_item": item["id"],
            "kind": "share_at_least",
            "categories": [0],
            "percent": "100",
            "valid_from": "2026-01-01",
        },
    )
    assert first.status_code == 201, first.json()
    assert first.json()["rule"] == f"Minst 100{NBSP}% svarar nej"
    second = _post(
        api,
        "/api/v1/local-targets/",
        {
            "local_item": item["id"],
            "kind": "share_at_most",
            "categories": [1],
            "percent": "5",
            "valid_from": "2026-07-01",
        },
    ).json()
    assert second["rule"] == f"Högst 5{NBSP}% svarar ja"
    old = api.get(f"/api/v1/local-targets/{first.json()['id']}/").json()
    assert old["valid_to"] == "2026-06-30"
    patched = _patch(api, f"/api/v1/local-targets/{second['id']}/", {"percent": "10"})
    assert patched.status_code == 200 and patched.json()["rule"] == f"Högst 10{NBSP}% svarar ja"
    bad = _patch(api, f"/api/v1/local-targets/{second['id']}/", {"categories": [3]})
    assert bad.status_code == 400 and bad.json()["errors"]["categories"] == [
        "Svarskategorierna ska ligga inom skalan (0–1)."
    ]
    ended = _post(api, f"/api/v1/local-targets/{second['id']}/end/", {"valid_to": "2026-12-31"})
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2026-12-31"
    early = _post(api, f"/api/v1/local-targets/{second['id']}/end/", {"valid_to": "2025-01-01"})
    assert early.status_code == 400 and "valid_to" in early.json()["errors"]
    # another association cannot see or change it
    other = host_client("beta.localhost", user_with_role(Role.ASSOCIATION_ADMIN, beta))
    assert other.get(f"/api/v1/local-targets/{second['id']}/").status_code == 404
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert (
        _patch(staff, f"/api/v1/local-targets/{second['id']}/", {"percent": "1"}).status_code == 403
    )


def test_national_targets_patch_and_end(db):
    api = host_client("localhost", user_with_role(Role.STEERING_GROUP))
    created = _post(
        api,
        "/api/v1/national-targets/",
        {
            "point": 1,
            "kind": "share_at_least",
            "categories": [4, 5],
            "percent": "80",
            "valid_from": "2016-01-01",
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    revised = _post(
        api,
        "/api/v1/national-targets/",
        {
            "point": 1,
            "kind": "share_at_least",
            "categories": [4, 5],
            "percent": "85",
            "valid_from": "2018-01-01",
        },
    )
    assert revised.status_code == 201
    assert api.get(f"/api/v1/national-targets/{pk}/").json()["valid_to"] == "2017-12-31"
    patched = _patch(api, f"/api/v1/national-targets/{pk}/", {"percent": "75"})
    assert patched.json()["rule"] == f"Minst 75{NBSP}% svarar 4 eller 5"
    overlap = _patch(api, f"/api/v1/national-targets/{pk}/", {"valid_to": "2018-06-30"})
    assert overlap.status_code == 400 and "valid_from" in overlap.json()["errors"]
    ended = _post(
        api, f"/api/v1/national-targets/{revised.json()['id']}/end/", {"valid_to": "2019-12-31"}
    )
    assert ended.json()["valid_to"] == "2019-12-31"
