"""Starting, resuming and publishing snapshots, and the national settings they use.

Services own their side effects: :func:`snapshot_start` and :func:`snapshot_resume` write one
audit row and queue the snapshot's work (one extraction task per pending part; the last part
to finish queues the report step) once the transaction commits, by task name — callers never
import tasks, and this module never imports them (the tasks import it). One snapshot runs at a
time: a start or resume while another runs raises :class:`SnapshotRunning`. A run ends as a
draft; :func:`snapshot_publish` is the steering group's decision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from national.models import NationalConfig, Snapshot, SnapshotPart
from national.pooling.runner import part_queue, snapshot_settle
from tenants.audit import audit_record
from tenants.models import Association, User

# pg_advisory_xact_lock key serialising starts and resumes ("NNS" + 0)
_START_LOCK = 0x4E4E5300


class SnapshotRunning(Exception):
    """A snapshot is already running; its number is ``number``."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(
            _("Sammanställning %(number)d pågår redan. Vänta tills den är klar.")
            % {"number": number}
        )


class SnapshotNotPublishable(Exception):
    """Only the newest draft can be published; the message says why not."""


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
    """Queue one task per pending part (or, with none left, the report step), once the
    transaction commits. Part of :func:`snapshot_start` and :func:`snapshot_resume`; the
    watchdog (``national.pooling.runner``) re-queues what a dead worker left."""
    for part in snapshot.parts.exclude(status=SnapshotPart.Status.DONE):
        part_queue(part=part)
    transaction.on_commit(lambda: snapshot_settle(snapshot_id=snapshot.pk))


def _running_refuse() -> None:
    """Serialise starts and resumes, and refuse one while a snapshot runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_START_LOCK])
    running = Snapshot.objects.filter(status=Snapshot.Status.RUNNING).first()
    if running is not None:
        raise SnapshotRunning(running.number)


def snapshot_start(*, actor: User | None, queue: bool = True) -> Snapshot:
    """A new numbered snapshot with one pending part per consenting association; one audit
    row; its work queued on commit (``queue=False``: created only, for a benchmark or test
    that runs the parts itself). Raises :class:`SnapshotRunning` while another runs."""
    try:
        with transaction.atomic():
            _running_refuse()
            number = (Snapshot.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            snapshot = Snapshot.objects.create(
                number=number, started_by=actor, small_cell_k=national_config().small_cell_k
            )
            SnapshotPart.objects.bulk_create(
                SnapshotPart(snapshot=snapshot, association_slug=a.slug)
                for a in consenting_associations()
            )
            audit_record(action="national.snapshot_started", actor=actor, number=number)
            if queue:
                snapshot_queue(snapshot=snapshot)
    except IntegrityError as exc:  # the constraints behind the lock: never a 500
        running = Snapshot.objects.filter(status=Snapshot.Status.RUNNING).first()
        raise SnapshotRunning(running.number if running else 0) from exc
    return snapshot


@transaction.atomic
def snapshot_resume(*, snapshot: Snapshot, actor: User | None) -> Snapshot:
    """Put a failed or interrupted snapshot back to running and queue the parts not done
    (on commit); one audit row. A draft or published snapshot is left as it is; raises
    :class:`SnapshotRunning` while another snapshot runs."""
    if snapshot.status in (Snapshot.Status.PUBLISHED, Snapshot.Status.DRAFT):
        return snapshot
    if snapshot.status != Snapshot.Status.RUNNING:
        _running_refuse()
    snapshot.parts.exclude(status=SnapshotPart.Status.DONE).update(
        status=SnapshotPart.Status.PENDING, error="", attempts=0
    )
    snapshot.status = Snapshot.Status.RUNNING
    snapshot.error = ""
    snapshot.finish_queued_at = None
    snapshot.save(update_fields=["status", "error", "finish_queued_at"])
    audit_record(action="national.snapshot_resumed", actor=actor, number=snapshot.number)
    snapshot_queue(snapshot=snapshot)
    return snapshot


@transaction.atomic
def snapshot_publish(*, actor: User | None, snapshot: Snapshot) -> Snapshot:
    """Publish a reviewed draft: from now on pages and the API show it. One audit row.
    Raises :class:`SnapshotNotPublishable` for anything but the newest draft."""
    locked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if locked.status != Snapshot.Status.DRAFT:
        raise SnapshotNotPublishable(
            _("Sammanställning %(number)d är inget utkast och kan inte publiceras.")
            % {"number": locked.number}
        )
    newer = Snapshot.objects.filter(
        number__gt=locked.number, status=Snapshot.Status.PUBLISHED
    ).exists()
    if newer:
        raise SnapshotNotPublishable(_("En senare sammanställning är redan publicerad."))
    locked.status = Snapshot.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["status", "published_at", "published_by"])
    audit_record(action="national.snapshot_published", actor=actor, number=locked.number)
    snapshot.refresh_from_db()
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
