"""Idempotency-Key: keyed by user and a hash of the body (issue 17, point 6)."""

import pytest
from django_tenants.utils import tenant_context

from pilot.models import IdempotencyRecord, Response
from pilot.services import activity_create
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/responses/"


@pytest.fixture
def activity(alfa):
    with tenant_context(alfa):
        return activity_create(name="Idem-insats", form_codes=["board"], actor=None)


def _board(key, value=3):
    return {
        "form_code": "board",
        "occasion": "half_yearly",
        "activity": "Idem-insats",
        "answered_on": "2016-03-01",
        "answers": {"p21": value, "p24": 4, "p25": 5},
        "key": key,
    }


def _post(client, body, key):
    return client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def _count(alfa):
    with tenant_context(alfa):
        return Response.objects.count()


def test_same_key_and_same_body_returns_the_original_response(alfa, activity):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    body = {"submissions": [_board("b-1"), _board("b-2")]}
    first = _post(client, body, "k")
    assert first.status_code == 201, first.content
    # Same content, other spacing and key order: the same request.
    again = client.post(
        URL,
        '{"submissions": [' + ", ".join(_json(s) for s in body["submissions"]) + "]}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert again.status_code == 200, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == {**first.json(), "created": False}
    assert _count(alfa) == 2


def _json(submission):
    import json

    return json.dumps(dict(reversed(list(submission.items()))), indent=1)


def test_same_key_with_another_body_is_a_409_and_stores_nothing(alfa, activity):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert _post(client, {"submissions": [_board("b-1")]}, "k").status_code == 201
    with tenant_context(alfa):
        audits = AuditEvent.objects.count()
    other = _post(client, {"submissions": [_board("b-1", value=5), _board("b-3")]}, "k")
    assert other.status_code == 409, other.content
    message = other.json()["errors"]["Idempotency-Key"][0]
    assert "redan använts för en annan begäran" in message and "inget har sparats" in message
    assert _count(alfa) == 1
    with tenant_context(alfa):
        assert Response.objects.get().answers.get(item__code="p21").value == 3
        assert AuditEvent.objects.count() == audits


def test_the_key_is_scoped_to_the_user(alfa, activity):
    anna = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    bo = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_ADMIN, alfa))
    assert _post(anna, {"submissions": [_board("a-1")]}, "shared").status_code == 201
    # Bo's "shared" is his own key: his batch is stored, not Anna's replayed or refused.
    response = _post(bo, {"submissions": [_board("b-1")]}, "shared")
    assert response.status_code == 201, response.content
    assert [r["key"] for r in response.json()["responses"]] == ["b-1"]
    # Each one's repeat replays their own batch.
    assert [
        r["key"]
        for r in _post(anna, {"submissions": [_board("a-1")]}, "shared").json()["responses"]
    ] == ["a-1"]
    assert _count(alfa) == 2
    with tenant_context(alfa):
        assert IdempotencyRecord.objects.count() == 2


def test_a_refused_batch_does_not_take_the_key(alfa, activity):
    client = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    bad = {"submissions": [{**_board("x"), "occasion": "exit"}]}
    assert _post(client, bad, "k").status_code == 400
    assert _post(client, {"submissions": [_board("x")]}, "k").status_code == 201
    assert _count(alfa) == 1
