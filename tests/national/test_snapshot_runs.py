"""A whole pooling run through Celery (eager): publish only when complete; resume after a kill."""

import pytest
from django.db import transaction

from national import services
from national.models import PooledResponse, Snapshot, SnapshotReport
from national.selectors import snapshot_published_latest
from national.services import snapshot_resume, snapshot_start
from national.tasks import snapshot_run_queue
from tests.conftest import consenting_with_data

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def consenting(alfa, beta):
    data = consenting_with_data((alfa, beta), seed=9, participants=60)
    return data


def _run(snapshot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        snapshot_run_queue(snapshot=snapshot)


def test_run_publishes_snapshot_with_reports(consenting, django_capture_on_commit_callbacks):
    snapshot = snapshot_start(actor=None)
    _run(snapshot, django_capture_on_commit_callbacks)
    snapshot.refresh_from_db()
    assert snapshot.status == "published" and snapshot_published_latest() == snapshot
    kinds = set(SnapshotReport.objects.filter(snapshot=snapshot).values_list("kind", flat=True))
    assert kinds == {"reliability", "benchmark", "validity", "association"}
    per_association = SnapshotReport.objects.filter(snapshot=snapshot, kind="association")
    assert set(per_association.values_list("association", flat=True)) == {"alfa", "beta"}


def test_killed_part_keeps_previous_snapshot_and_resume_completes(
    consenting, django_capture_on_commit_callbacks, monkeypatch
):
    first = snapshot_start(actor=None)
    _run(first, django_capture_on_commit_callbacks)
    assert snapshot_published_latest() == first

    second = snapshot_start(actor=None)
    real = services.public_schema_use
    calls = {"n": 0}

    def dies_midway() -> None:
        # The worker dies after beta's rows were inserted but before its part committed.
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        real()

    monkeypatch.setattr(services, "public_schema_use", dies_midway)
    with pytest.raises(SystemExit):
        _run(second, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "public_schema_use", real)
    second.refresh_from_db()
    assert second.status != "published"
    assert snapshot_published_latest() == first  # the previous one is still what is shown

    _run(snapshot_resume(snapshot=second), django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.status == "published" and snapshot_published_latest() == second
    # No duplicates: the same rows as the first snapshot (the data did not change).
    assert (
        PooledResponse.objects.filter(snapshot=second).count()
        == PooledResponse.objects.filter(snapshot=first).count()
    )
    assert Snapshot.objects.filter(status="published").count() == 2
