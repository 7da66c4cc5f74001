"""Issue 14: a real Celery worker on Redis is killed (SIGKILL) in the middle of a pooling run;
a new worker (with beat) picks the run up by itself — the watchdog finds the part whose worker
died — and the run ends as a draft with every answer pooled exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.db import connection, connections
from django_tenants.utils import tenant_context
from tenant_schemas_celery.app import CeleryApp

from national.models import PooledResponse, Snapshot, SnapshotPart
from tenants.models import Association
from tests.conftest import _valid_org, consenting_with_data
from tests.ops.test_celery_worker import REDIS_URL, ROOT, _test_database_url

pytestmark = [pytest.mark.django_db, pytest.mark.celery_worker]
SLUGS = ("kilo", "lima", "mike")


def _committed(work: Callable[[], Any]) -> Any:
    """Run ``work`` on a connection of its own, so the worker processes see what it wrote."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _worker(queue: str, *, beat: Path | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "NNS_TASKS_EAGER": "0",
        "NNS_POOLING_WATCHDOG_SECONDS": "1",
        "NNS_POOLING_STALE_SECONDS": "30",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
               "--concurrency=1", "-Q", queue, "--without-heartbeat", "--without-gossip",
               "--without-mingle", "--loglevel=WARNING"]  # fmt: skip
    if beat is not None:
        command += ["--beat", f"--schedule={beat}"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _statuses(snapshot_id: int) -> dict[str, str]:
    return dict(
        SnapshotPart.objects.filter(snapshot_id=snapshot_id).values_list(
            "association_slug", "status"
        )
    )


def _source(association: Association) -> tuple[set[int], int]:
    """Submitted questionnaires with core answers, and their core answers, read directly."""
    with tenant_context(association), connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, count(*) FROM pilot_answer a JOIN pilot_response r "
            "ON r.id = a.response_id WHERE a.item_id IS NOT NULL AND r.status = 'submitted' "
            "GROUP BY r.id"
        )
        rows = cursor.fetchall()
    return {r[0] for r in rows}, sum(r[1] for r in rows)


def _compare(snapshot_id: int) -> dict[str, Any]:
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    parts = {p.association_slug: p for p in snapshot.parts.all()}
    out: dict[str, Any] = {
        "status": snapshot.status,
        "error": snapshot.error,
        "attempts": {slug: p.attempts for slug, p in parts.items()},
        "associations": {},
    }
    for association in Association.objects.filter(slug__in=SLUGS):
        source_ids, source_answers = _source(association)
        pooled = PooledResponse.objects.filter(snapshot=snapshot, association=association.slug)
        offset = parts[association.slug].pk * 10**10
        pooled_ids = [r - offset for r in pooled.values_list("response", flat=True)]
        pooled_answers = sum(len(a) for a in pooled.values_list("item_ids", flat=True))
        out["associations"][association.slug] = (
            source_ids,
            pooled_ids,
            source_answers,
            pooled_answers,
            parts[association.slug].answers,
        )
    return out


def _set_up() -> list[Association]:
    from tenants.services import association_create

    made = [
        association_create(
            name=f"Samordningsförbundet {slug.title()}",
            slug=slug,
            org_number=_valid_org(f"22200{i}123"),
            county="03",
        )
        for i, slug in enumerate(SLUGS)
    ]
    consenting_with_data(made, seed=140, participants=40)
    return made


def _tear_down() -> None:
    from tenants.services import association_archive, association_purge

    Snapshot.objects.filter(parts__association_slug__in=SLUGS).delete()
    for association in Association.objects.filter(slug__in=SLUGS):
        association_archive(association=association, actor=None)
        association_purge(association=association, actor=None, confirm=association.slug)


def test_killed_worker_run_completes_by_itself_without_loss_or_duplicates(tmp_path):
    redis.Redis.from_url(REDIS_URL).ping()
    queue = f"nns-kill-{uuid.uuid4().hex[:8]}"
    client = CeleryApp("nns-kill-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    client.conf.task_default_queue = queue
    s = connection.settings_dict
    blocker = psycopg.connect(
        host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None,
        dbname=s["NAME"],
    )  # fmt: skip
    workers: list[subprocess.Popen] = []
    _committed(_tear_down)  # left over from an interrupted run
    try:
        _committed(_set_up)

        def start() -> int:
            from django.utils import timezone

            from national.pooling import snapshot_start

            snapshot = snapshot_start(actor=None, queue=False)
            snapshot.parts.update(queued_at=timezone.now())
            return snapshot.pk

        snapshot_id = _committed(start)
        # lima's extraction will block on its table until the worker is dead: mid-part.
        blocker.execute('LOCK TABLE "lima".pilot_response IN ACCESS EXCLUSIVE MODE')
        for slug in SLUGS:  # what snapshot_queue sends, in the same order
            client.send_task("national.pool_association", args=(snapshot_id, slug))
        first = _worker(queue)
        workers.append(first)
        _wait(
            lambda: (
                _statuses(snapshot_id) == {"kilo": "done", "lima": "running", "mike": "pending"}
            ),
            "the first worker to be in the middle of lima",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
        blocker.rollback()  # the killed worker's transaction can now end (it never commits)
        assert _statuses(snapshot_id)["lima"] == "running"  # nobody resumes it by hand

        workers.append(_worker(queue, beat=tmp_path / "beat-schedule"))
        _wait(
            lambda: Snapshot.objects.get(pk=snapshot_id).status != "running",
            "the run to end after the second worker started",
        )
        # Read on a connection of its own: the test's transaction must not hold locks on the
        # associations' schemas, or the tear-down could not drop them.
        result = _committed(lambda: _compare(snapshot_id))
        assert result["status"] == "draft", result["error"]
        assert result["attempts"] == {"kilo": 1, "lima": 2, "mike": 1}
        for slug, (source_ids, pooled_ids, source_answers, pooled_answers, part) in result[
            "associations"
        ].items():
            assert len(pooled_ids) == len(set(pooled_ids)), slug  # none duplicated
            assert set(pooled_ids) == source_ids, slug  # none lost
            assert pooled_answers == source_answers == part, slug
    finally:
        blocker.close()
        for process in workers:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        _committed(_tear_down)
