"""Public-schema models of the national layer: numbered, immutable snapshots of anonymised
core answers from consenting associations, and the reports computed from them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vocabulary.choices import (
    DATASET_PERSON_LINK_HELP,
    DatasetFormat,
    DatasetLayout,
    DatasetPersonLink,
    DatasetStatus,
    ReportKind,
    SnapshotPartStatus,
    SnapshotStatus,
)


class NationalConfig(models.Model):
    """National settings the steering group can change (one row)."""

    small_cell_k = models.PositiveSmallIntegerField(
        _("minsta antal svar som visas"),
        default=5,
        help_text=_("Tal beräknade på färre svar visas inte (diskretionskontroll)."),
    )

    def __str__(self) -> str:
        return f"k={self.small_cell_k}"


class Snapshot(models.Model):
    """A pooling run and its result. It runs (parts, then reports), ends as a *draft* that the
    steering group reviews and publishes; pages and the API show only published snapshots.
    At most one snapshot runs at a time (constraint ``one_running_snapshot``)."""

    Status = SnapshotStatus

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # when the reports were computed (the draft became ready for review)
    drafted_at = models.DateTimeField(null=True, blank=True)
    # when the report step was last queued (the watchdog re-queues it when it goes stale)
    finish_queued_at = models.DateTimeField(null=True, blank=True)
    small_cell_k = models.PositiveSmallIntegerField(default=5)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_snapshot_has_date",
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="one_running_snapshot"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} ({self.status})"


class SnapshotPart(models.Model):
    """One association's extraction into a snapshot."""

    Status = SnapshotPartStatus

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="parts")
    association_slug = models.CharField(max_length=42)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answers = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["association_slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "association_slug"], name="snapshot_part_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.association_slug}"


class PooledResponse(models.Model):
    """One questionnaire's core answers, anonymised: keyed pseudonym, month, age band. Never
    local items or free text.

    The answers are two parallel arrays, ``item_ids`` (``instrument.Item`` ids) and
    ``answer_values`` (1–5; :data:`DONT_KNOW` for "don't know"; NULL for a stored empty
    answer): one row per questionnaire instead of one per answer makes pooling a quarter of the
    rows to write and read (ADR 0006). ``response`` is the tenant's questionnaire id plus the
    part's offset (part id × 10¹⁰), unique across every snapshot, so it is the primary key.

    ``snapshot`` has no database foreign key (``db_constraint=False``): its per-row check,
    queued and fired at commit, was a third of pooling an association. Rows are written only by
    ``snapshot_part_extract`` for the part it has just read, and deleting a snapshot through
    the ORM still deletes them (ADR 0006).
    """

    DONT_KNOW = -1

    response = models.BigIntegerField(primary_key=True)
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    association = models.CharField(max_length=42)
    county = models.CharField(max_length=2)
    pseudonym = models.CharField(max_length=64, blank=True)
    form_code = models.CharField(max_length=40)
    occasion = models.CharField(max_length=20)
    period = models.DateField()  # first day of the month
    instrument_version = models.CharField(max_length=20)
    respondent = models.CharField(max_length=30)
    gender = models.CharField(max_length=12, blank=True)
    age_band = models.CharField(max_length=5, blank=True)
    item_ids = ArrayField(models.IntegerField())
    answer_values = ArrayField(models.SmallIntegerField(null=True))

    class Meta:
        indexes = [models.Index(fields=["snapshot", "association"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(item_ids__len=models.F("answer_values__len")),
                name="pooled_response_arrays_aligned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.association}:{self.response}"


class PooledOutcome(models.Model):
    """One participant's register outcome, anonymised. Like :class:`PooledResponse`, written
    only by pooling, with no database foreign key to the snapshot."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    association = models.CharField(max_length=42)
    county = models.CharField(max_length=2)
    pseudonym = models.CharField(max_length=64)
    exit_month = models.DateField(null=True)
    exit_outcome = models.CharField(max_length=20, blank=True)
    subsidised_work = models.BooleanField(default=False)
    gender = models.CharField(max_length=12, blank=True)
    age_band = models.CharField(max_length=5, blank=True)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "association"])]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.association}:{self.pseudonym[:8]}"


class SnapshotReport(models.Model):
    Kind = ReportKind

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Set for kind "association": whose results these are (served only on its own host).
    association = models.CharField(max_length=42, blank=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "kind", "association"], name="snapshot_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.kind}"


class DatasetRequest(models.Model):
    """A researcher's request for pooled microdata; approved releases are frozen and expire."""

    Status = DatasetStatus
    Format = DatasetFormat
    Layout = DatasetLayout

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dataset_requests"
    )
    purpose = models.TextField(_("syfte"))
    variables = models.JSONField(_("variabler"), default=list, blank=True)
    period_from = models.DateField(_("från"), null=True, blank=True)
    period_to = models.DateField(_("till"), null=True, blank=True)
    layout = models.CharField(
        max_length=4,
        choices=DatasetLayout.choices,
        default="wide",
    )
    # one or more of DatasetFormat's codes, in the order asked for
    formats = models.JSONField(_("format"), default=list)
    # "sv"/"en" are language codes, not domain codes (and "en" is a Swedish word): labelled
    # by the project's translations, not the vocabulary.
    language = models.CharField(
        _("etiketternas språk"),
        max_length=2,
        choices=[("sv", _("Svenska")), ("en", _("Engelska"))],
        default="sv",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ethics_dnr = models.CharField(_("etikprövningens diarienummer"), max_length=40, blank=True)
    association_names = models.BooleanField(
        _("förbundens namn"),
        default=False,
        help_text=_("Annars ersätts förbunden med koder."),
    )
    # Without a link unless asked for: a pseudonym lets a reader join one person's rows, and
    # the person's combination of values across them can single the person out.
    person_link = models.CharField(
        _("personkoppling"),
        max_length=8,
        choices=DatasetPersonLink.choices,
        default=DatasetPersonLink.NONE,
        help_text=DATASET_PERSON_LINK_HELP,
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.PROTECT)
    file_path = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    citation = models.TextField(blank=True)
    disclosure_changes = models.JSONField(default=list, blank=True)
    # build progress while status is "building" (stage: load/build/write/zip/checksum)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_stage = models.CharField(max_length=16, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(snapshot__isnull=False) & ~Q(checksum="")),
                name="ready_release_is_frozen",
            )
        ]

    def __str__(self) -> str:
        return f"Dataset {self.pk} ({self.status})"


class DatasetDownload(models.Model):
    """Audit row for every download of a release."""

    request = models.ForeignKey(DatasetRequest, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    checksum = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.request_id} by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
