"""A whole pooling run through Celery (eager): a draft only when complete, published by a
person; resume after a kill. The services queue their own work on commit and write one audit
row each."""

import pytest

from national.models import PooledResponse, Snapshot, SnapshotReport
from national.pooling import extract, snapshot_publish, snapshot_resume, snapshot_start
from national.selectors import snapshot_published_latest
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import consenting_with_data
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def consenting(alfa, beta):
    data = consenting_with_data((alfa, beta), seed=9, participants=60)
    return data


def _start(django_capture_on_commit_callbacks, actor=None) -> Snapshot:
    with django_capture_on_commit_callbacks(execute=True):
        return snapshot_start(actor=actor)


def _run(django_capture_on_commit_callbacks, actor=None) -> Snapshot:
    """Start, run to the draft, publish."""
    snapshot = _start(django_capture_on_commit_callbacks, actor)
    return snapshot_publish(actor=actor, snapshot=snapshot)


def test_run_ends_as_draft_with_reports(consenting, django_capture_on_commit_callbacks):
    snapshot = _start(django_capture_on_commit_callbacks)
    snapshot.refresh_from_db()
    assert snapshot.status == "draft" and snapshot_published_latest() is None
    kinds = set(SnapshotReport.objects.filter(snapshot=snapshot).values_list("kind", flat=True))
    assert kinds == {"reliability", "benchmark", "validity", "validation", "association"}
    per_association = SnapshotReport.objects.filter(snapshot=snapshot, kind="association")
    assert set(per_association.values_list("association", flat=True)) == {"alfa", "beta"}


def test_start_queues_its_work_only_on_commit_and_audits_once(
    consenting, django_capture_on_commit_callbacks
):
    actor = user_with_role(Role.STEERING_GROUP)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot = snapshot_start(actor=actor)
    assert len(callbacks) == 3  # one task per part, then the settling check, after commit
    snapshot.refresh_from_db()
    assert snapshot.status == "running"
    assert not PooledResponse.objects.filter(snapshot=snapshot).exists()
    rows = AuditEvent.objects.filter(action="national.snapshot_started")
    assert [(r.actor, r.details["number"]) for r in rows] == [(actor, snapshot.number)]
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    snapshot.refresh_from_db()
    assert snapshot.status == "draft"


def test_start_without_queue_only_creates(consenting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot = snapshot_start(actor=None, queue=False)
    assert callbacks == [] and snapshot.parts.count() == 2


def test_killed_part_keeps_previous_snapshot_and_resume_completes(
    consenting, django_capture_on_commit_callbacks, monkeypatch
):
    first = _run(django_capture_on_commit_callbacks)
    assert snapshot_published_latest() == first

    real = extract.public_schema_use
    calls = {"n": 0}

    def dies_midway() -> None:
        # The worker dies after beta's rows were inserted but before its part committed.
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        real()

    monkeypatch.setattr(extract, "public_schema_use", dies_midway)
    with pytest.raises(SystemExit):
        _start(django_capture_on_commit_callbacks)
    monkeypatch.setattr(extract, "public_schema_use", real)
    second = Snapshot.objects.order_by("-number").first()
    assert second is not None and second != first
    assert second.status != "published"
    assert snapshot_published_latest() == first  # the previous one is still what is shown

    with django_capture_on_commit_callbacks(execute=True):
        snapshot_resume(snapshot=second, actor=None)
    second.refresh_from_db()
    assert second.status == "draft" and snapshot_published_latest() == first
    snapshot_publish(actor=None, snapshot=second)
    assert snapshot_published_latest() == second
    assert AuditEvent.objects.filter(action="national.snapshot_resumed").count() == 1
    # No duplicates: the same rows as the first snapshot (the data did not change).
    assert (
        PooledResponse.objects.filter(snapshot=second).count()
        == PooledResponse.objects.filter(snapshot=first).count()
    )
    assert Snapshot.objects.filter(status="published").count() == 2
