"""Against real Redis and a real worker process: tasks run in the schema they were queued from."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django_tenants.utils import tenant_context
from tenant_schemas_celery.app import CeleryApp

from tenants.db import public_schema_use

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]

REDIS_URL = os.environ.get("NNS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    s = connection.settings_dict
    if s["HOST"].startswith("/"):
        return f"postgresql://{s['USER']}@/{s['NAME']}?host={s['HOST']}"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker) -> Iterator[CeleryApp]:
    redis.Redis.from_url(REDIS_URL).ping()  # fail loudly if the broker is not there
    queue = f"nns-test-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        db_url = _test_database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    # A client app of its own: the project's app stays eager for every other test.
    client = CeleryApp("nns-test-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    client.conf.task_default_queue = queue
    try:
        yield client
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_task_runs_in_the_schema_it_was_queued_from(worker, alfa, beta):
    results = {}
    for association in (alfa, beta):
        with tenant_context(association):
            results[association.slug] = worker.send_task(
                "ops.worker_probe", kwargs={"token": association.slug}
            )
    alfa_result = results["alfa"].get(timeout=60)
    beta_result = results["beta"].get(timeout=60)
    assert alfa_result["schema"] == "alfa"
    assert beta_result["schema"] == "beta"
    # The worker read each association's own rows (created in the session set-up).
    assert alfa_result["activities"] == ["Samordningsförbundet Alfa – Arbetsmarknadstorget"]
    assert beta_result["activities"] == ["Samordningsförbundet Beta – Arbetsmarknadstorget"]


def test_task_from_public_host_runs_in_public(worker):
    public_schema_use()
    result = worker.send_task("ops.worker_probe", kwargs={"token": "public"}).get(timeout=60)
    assert result == {"token": "public", "schema": "public", "activities": []}
