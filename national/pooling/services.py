"""Starting and resuming snapshots, and the national settings they use.

Services own their side effects: :func:`snapshot_start` and :func:`snapshot_resume` write one
audit row and queue the snapshot's work (one extraction task per pending part, then
publication, as a chord) once the transaction commits, by task name — callers never import
tasks, and this module never imports them (the tasks import it)."""

from __future__ import annotations

from celery import chord, signature
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from national.models import NationalConfig, Snapshot, SnapshotPart
from tenants.models import Association, User
from tenants.services import audit_record

POOL_TASK = "national.pool_association"
PUBLISH_TASK = "national.publish_snapshot"
PUBLISH_AFTER_FAILURE_TASK = "national.publish_snapshot_after_failure"


def national_config() -> NationalConfig:
    config, _created = NationalConfig.objects.get_or_create(pk=1)
    return config


def consenting_associations() -> list[Association]:
    return list(
        Association.objects.exclude(schema_name="public")
        .filter(pooling_consent=True, archived_at__isnull=True)
        .order_by("slug")
    )


def snapshot_queue(*, snapshot: Snapshot) -> None:
    """Fan out one task per pending part, then publish (a chord), once the transaction
    commits. Part of :func:`snapshot_start` and :func:`snapshot_resume`; on its own only to
    re-queue a snapshot whose tasks were lost."""
    slugs = list(
        snapshot.parts.exclude(status=SnapshotPart.Status.DONE).values_list(
            "association_slug", flat=True
        )
    )
    snapshot_id = snapshot.pk

    def queue() -> None:
        callback = signature(PUBLISH_TASK, kwargs={"snapshot_id": snapshot_id})
        if not slugs:
            signature(PUBLISH_TASK, args=(None,), kwargs={"snapshot_id": snapshot_id}).delay()
            return
        header = [signature(POOL_TASK, args=(snapshot_id, slug), immutable=True) for slug in slugs]
        on_error = signature(
            PUBLISH_AFTER_FAILURE_TASK, kwargs={"snapshot_id": snapshot_id}, immutable=True
        )
        chord(header)(callback.on_error(on_error))

    transaction.on_commit(queue)


@transaction.atomic
def snapshot_start(*, actor: User | None, queue: bool = True) -> Snapshot:
    """A new numbered snapshot with one pending part per consenting association; one audit
    row; its work queued on commit (``queue=False``: created only, for a benchmark or test
    that runs the parts itself)."""
    number = (Snapshot.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = Snapshot.objects.create(
        number=number, started_by=actor, small_cell_k=national_config().small_cell_k
    )
    SnapshotPart.objects.bulk_create(
        SnapshotPart(snapshot=snapshot, association_slug=a.slug) for a in consenting_associations()
    )
    audit_record(action="national.snapshot_started", actor=actor, number=number)
    if queue:
        snapshot_queue(snapshot=snapshot)
    return snapshot


@transaction.atomic
def snapshot_resume(*, snapshot: Snapshot, actor: User | None) -> Snapshot:
    """Put a failed or interrupted snapshot back to running and queue the parts not done
    (on commit); one audit row. A published snapshot is left as it is."""
    if snapshot.status == Snapshot.Status.PUBLISHED:
        return snapshot
    snapshot.parts.exclude(status=SnapshotPart.Status.DONE).update(
        status=SnapshotPart.Status.PENDING, error=""
    )
    snapshot.status = Snapshot.Status.RUNNING
    snapshot.error = ""
    snapshot.save(update_fields=["status", "error"])
    audit_record(action="national.snapshot_resumed", actor=actor, number=snapshot.number)
    snapshot_queue(snapshot=snapshot)
    return snapshot


def national_config_set(*, small_cell_k: int, actor: User | None) -> NationalConfig:
    """Change the suppression threshold for the next snapshots. Audited."""
    if not 3 <= small_cell_k <= 100:
        raise ValidationError({"small_cell_k": ["k ska vara mellan 3 och 100."]})
    config = national_config()
    config.small_cell_k = small_cell_k
    config.save(update_fields=["small_cell_k"])
    audit_record(action="national.k_changed", actor=actor, k=small_cell_k)
    return config
