"""POST /api/v1/responses/ as API clients use it: token auth, few queries, same answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from api.serializers.collection import ResponseSerializer
from pilot.models import Answer, Participant, Response
from pilot.services import activity_create
from tenants.models import Membership
from tenants.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

BOARD_ANSWERS: dict[str, object] = {"p21": 4, "p24": 5, "p25": "dont_know"}
BOARD: dict[str, object] = {
    "form_code": "board",
    "occasion": "half_yearly",
    "activity": "Token-insats",
    "answered_on": "2016-06-01",
    "answers": BOARD_ANSWERS,
}


def _exit(code: str) -> dict[str, object]:
    return {
        "form_code": "participant_exit",
        "occasion": "exit",
        "activity": "Token-insats",
        "answered_on": "2016-03-01",
        "participant_code": code,
        "participant": {"gender": "woman", "age_band": "25-29", "started_on": "2015-09-01"},
        "answers": {"p2": 4, "p4": 5, "p6": "dont_know", "p9": 3},
        "key": f"exit-{code}",
    }


@pytest.fixture
def activity(alfa):
    with tenant_context(alfa):
        return activity_create(
            name="Token-insats", form_codes=["board", "participant_exit"], actor=None
        )


def _token_client(user, host: str = "alfa.localhost") -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def client(alfa):
    return _token_client(user_with_role(Role.ASSOCIATION_STAFF, alfa))


def _post(client: Client, *submissions: dict[str, object], **headers: str):
    return client.post(
        "/api/v1/responses/",
        {"submissions": list(submissions)},
        content_type="application/json",
        **headers,
    )


def _statements(queries: CaptureQueriesContext) -> list[str]:
    # The test itself runs in a transaction, so the write is wrapped in a savepoint here;
    # served for real (autocommit) there is none.
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_single_submit_costs_six_statements_of_which_two_are_its_own(client, activity):
    # The first submit of a process loads the published version and its forms (cached).
    assert _post(client, {**BOARD, "key": "warm"}).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, {**BOARD, "key": "one"})
    assert response.status_code == 201, response.content
    statements = _statements(queries)
    # Host -> schema (3, django-tenants), token + user + roles (1), everything validation
    # needs (1), one INSERT of response and answers (1).
    assert len(statements) <= 6, statements
    writes = [s for s in statements if "INSERT" in s]
    assert len(writes) == 1 and "pilot_response" in writes[0] and "pilot_answer" in writes[0]


def test_batch_with_new_participants_and_idempotency_key_costs_no_more(client, activity, alfa):
    batch = [_exit(f"P-{i}") for i in range(20)] + [{**BOARD, "key": "board-1"}]
    assert _post(client, {**BOARD, "key": "warm"}).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, *batch, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    assert len(_statements(queries)) <= 6, _statements(queries)
    with tenant_context(alfa):
        assert Participant.objects.count() == 20
        assert Response.objects.count() == 22
        assert Answer.objects.count() == 20 * 4 + 3 + 3


def test_reply_is_what_the_database_holds(client, activity, alfa):
    response = _post(client, _exit("P-1"), {**BOARD, "key": "b"}, HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201 and response.json()["created"] is True
    with tenant_context(alfa):
        stored = Response.objects.select_related(
            "participant", "activity", "instrument_version"
        ).order_by("id")
        expected = ResponseSerializer(stored, many=True).data
        assert Participant.objects.get(code="P-1").activity.name == "Token-insats"
        p6 = Answer.objects.get(response__participant__code="P-1", item__code="p6")
        assert p6.dont_know and p6.value is None
    assert response.json()["responses"] == expected
    again = _post(client, _exit("P-1"), {**BOARD, "key": "b"}, HTTP_IDEMPOTENCY_KEY="same")
    assert again.status_code == 200 and again.json() == {"created": False, "responses": expected}


def test_idempotency_key_is_matched_exactly_not_as_a_prefix(client, activity, alfa):
    assert _post(client, {**BOARD, "key": "x1"}, HTTP_IDEMPOTENCY_KEY="a#b").status_code == 201
    # "a#b#0" starts with "a#", yet key "a" was never used.
    assert _post(client, {**BOARD, "key": "x2"}, HTTP_IDEMPOTENCY_KEY="a").status_code == 201
    with tenant_context(alfa):
        assert Response.objects.count() == 2


def test_token_roles_are_those_of_this_host(activity, alfa, beta):
    staff = user_with_role(Role.ASSOCIATION_STAFF, alfa)
    assert _post(_token_client(staff), {**BOARD, "key": "s"}).status_code == 201
    # A member of Beta, a researcher and a steering-group member have no role on Alfa's host.
    for user in [
        user_with_role(Role.ASSOCIATION_ADMIN, beta),
        user_with_role(Role.RESEARCHER),
        user_with_role(Role.STEERING_GROUP),
    ]:
        assert _post(_token_client(user), {**BOARD, "key": "n"}).status_code == 403
    # Roles are read on every request: a revoked membership stops the next one.
    client = _token_client(staff)
    Membership.objects.filter(user=staff).delete()
    assert _post(client, {**BOARD, "key": "r"}).status_code == 403
    with tenant_context(alfa):
        assert list(Response.objects.values_list("key", flat=True)) == ["s"]


def test_bad_or_inactive_tokens_are_refused(activity, alfa):
    user = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    client = _token_client(user)
    bad = Client(HTTP_HOST="alfa.localhost", HTTP_AUTHORIZATION="Token nope")
    assert _post(bad, {**BOARD, "key": "a"}).status_code == 401
    user.is_active = False
    user.save()
    assert _post(client, {**BOARD, "key": "b"}).status_code == 401
    assert _post(Client(HTTP_HOST="alfa.localhost"), {**BOARD, "key": "c"}).status_code in {
        401,
        403,
    }
    with tenant_context(alfa):
        assert not Response.objects.exists()


def test_session_login_still_works(activity, alfa):
    client = Client(HTTP_HOST="alfa.localhost")
    client.force_login(user_with_role(Role.ASSOCIATION_STAFF, alfa))
    assert _post(client, {**BOARD, "key": "web"}).status_code == 201


def test_malformed_payloads_get_the_usual_errors(client, activity):
    response = _post(client, {**BOARD, "answered_on": "2016-02-30"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"]["submissions"]["0"]["answered_on"], body
    assert _post(client, {**BOARD, "form_code": ""}).status_code == 400
    assert client.post("/api/v1/responses/", {}, content_type="application/json").status_code == 400


def test_configuration_changes_apply_to_the_next_submit(client, activity, alfa):
    from pilot.services import activity_forms_set, local_item_create

    with tenant_context(alfa):
        activity_forms_set(activity=activity, form_codes=["participant_exit"], actor=None)
    refused = _post(client, {**BOARD, "key": "k1"})
    assert refused.status_code == 400 and "submissions.0.activity" in refused.json()["errors"]
    with tenant_context(alfa):
        activity_forms_set(activity=activity, form_codes=["board"], actor=None)
        local = local_item_create(code="egen", text_sv="Egen fråga", kind="yes_no", actor=None)
    with_local = {**BOARD, "key": "k2", "answers": {**BOARD_ANSWERS, "local:egen": 1}}
    assert _post(client, with_local).status_code == 201
    with tenant_context(alfa):
        local.active = False
        local.save()
    refused = _post(client, {**with_local, "key": "k3"})
    assert refused.status_code == 400
    assert "submissions.0.answers.local:egen" in refused.json()["errors"]
