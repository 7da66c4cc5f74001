"""schemathesis against the OpenAPI schema of both host types: no request shape gives a 5xx.

Runs in-process (Django's WSGI handler inside the test's transaction, so nothing the fuzzer
creates, archives or purges outlives the test), authenticated by API token as a person with
every national role (public host) and as an association administrator (association host).
Budget: a few examples per operation, positive and negative generation, well under a minute.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from tenants.models import NationalRoleGrant
from tenants.roles import Role
from tests.factories import user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES_PER_OPERATION = 4


@pytest.fixture
def in_test_transaction():
    """The WSGI handler would close the test's connection after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(host: str, token: str) -> list[str]:
    headers = {"Host": host, "Authorization": f"Token {token}"}
    app = WSGIHandler()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    server_errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10, "the schema lost its operations"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    server_errors.append(
                        f"{response.status_code} {case.method} {case.formatted_path} "
                        f"query={case.query} body={case.body!r}"[:400]
                    )

            # An operation without inputs has no invalid request to generate.
            with contextlib.suppress(Unsatisfiable):
                run()
    return server_errors


def test_public_host_api_has_no_server_errors(in_test_transaction):
    user = user_with_role(Role.PLATFORM_ADMIN)
    for role in (Role.STEERING_GROUP, Role.RESEARCHER):
        NationalRoleGrant.objects.create(user=user, role=role)
    token = Token.objects.create(user=user)
    assert _fuzz("localhost", token.key) == []


def test_association_host_api_has_no_server_errors(alfa, in_test_transaction):
    user = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    token = Token.objects.create(user=user)
    assert _fuzz("alfa.localhost", token.key) == []
