"""GET /api/v1/health/: liveness without login (and the submit benchmark's framework floor)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", "alfa.localhost"])
def test_health_answers_without_login_and_without_queries_of_its_own(host):
    client = Client(HTTP_HOST=host)
    client.get("/api/v1/health/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    # Only the host lookup (and search_path switches).
    assert [q["sql"] for q in queries if not q["sql"].startswith("SET ")] == [
        q["sql"] for q in queries if "tenants_domain" in q["sql"]
    ]


@pytest.mark.parametrize("host", ["localhost", "alfa.localhost"])
def test_the_host_lookup_is_one_statement_on_the_public_tables(host):
    """tenants.middleware.TenantHostMiddleware: one schema-qualified SELECT of the association
    by host, and no switch to the public schema first."""
    client = Client(HTTP_HOST=host)
    client.get("/api/v1/health/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/health/")
    lookups = [q["sql"] for q in queries if "tenants_domain" in q["sql"]]
    assert len(lookups) == 1 and '"public"."tenants_domain"' in lookups[0]
    assert 'SET search_path = "public"' not in [q["sql"] for q in queries] or host == "localhost"
