"""Tenant-schema models: everything here lives in one association's own schema."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from instrument.targets import TargetRuleFields
from vocabulary.choices import (
    AgeBand,
    Gender,
    LocalItemKind,
    Occasion,
    RegisterOutcome,
    ResponseSource,
    ResponseStatus,
)

__all__ = ["AgeBand", "Gender"]  # re-exported: callers import them from here


class Activity(models.Model):
    """An intervention (insats) the association funds, and the national forms it uses."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    ends_on = models.DateField(_("slutdatum"), null=True, blank=True)
    # Codes of the national instrument's forms (stable across instrument versions).
    form_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OccasionSchedule(models.Model):
    """When a form is given in an activity, e.g. every 2 months during participation."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="schedules")
    form_code = models.CharField(_("formulär"), max_length=40)
    occasion = models.CharField(_("mättillfälle"), max_length=20, choices=Occasion.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("intervall (månader)"), null=True, blank=True
    )

    class Meta:
        ordering = ["activity", "form_code", "occasion"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "form_code", "occasion"], name="schedule_unique"
            ),
            models.CheckConstraint(
                condition=Q(interval_months__isnull=True)
                | Q(interval_months__gte=1, interval_months__lte=12),
                name="schedule_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.form_code} {self.occasion}"


class LocalItem(models.Model):
    """An association's own question beside the national core. Never pooled nationally."""

    Kind = LocalItemKind

    code = models.SlugField(_("kod"), max_length=30, unique=True)
    text_sv = models.TextField(_("text (svenska)"))
    text_en = models.TextField(_("text (engelska)"), blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    scale_points = models.PositiveSmallIntegerField(_("antal skalsteg"), null=True, blank=True)
    # One label per step for Likert items: [{"value": 1, "sv": "...", "en": "..."}, ...]
    scale_labels = models.JSONField(_("skaletiketter"), default=list, blank=True)
    number_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    number_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    activities = models.ManyToManyField(Activity, blank=True, related_name="local_items")
    form_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="likert") | Q(scale_points__gte=2, scale_points__lte=11),
                name="local_likert_has_2_to_11_points",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_local(self) -> bool:
        return True


class LocalTarget(TargetRuleFields):
    """The association's own target, on a core point (by number) or on a local item."""

    point_number = models.PositiveSmallIntegerField(_("mätpunkt"), null=True, blank=True)
    local_item = models.ForeignKey(
        LocalItem, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )

    class Meta(TargetRuleFields.Meta):
        ordering = ["point_number", "local_item", "valid_from"]
        constraints = [
            *TargetRuleFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(point_number__isnull=False, local_item__isnull=True)
                | Q(point_number__isnull=True, local_item__isnull=False),
                name="local_target_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = f"punkt {self.point_number}" if self.point_number else str(self.local_item)
        return f"{subject}: {self.describe()}"


class Participant(models.Model):
    """A participant, pseudonymously: a code, never a name or a personal identity number."""

    code = models.CharField(_("deltagarkod"), max_length=40, unique=True)
    gender = models.CharField(_("kön"), max_length=12, choices=Gender.choices)
    age_band = models.CharField(_("åldersgrupp"), max_length=5, choices=AgeBand.choices)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participants")
    started_on = models.DateField(_("startdatum"))
    exited_on = models.DateField(_("avslutsdatum"), null=True, blank=True)
    # Register data (point 20): outcome at exit and follow-up.
    exit_outcome = models.CharField(
        _("utfall vid avslut"), max_length=20, choices=RegisterOutcome.choices, blank=True
    )
    subsidised_work = models.BooleanField(_("subventionerad anställning"), default=False)
    followup_months = models.PositiveSmallIntegerField(
        _("uppföljning efter (mån)"), null=True, blank=True
    )
    followup_status = models.CharField(
        _("status vid uppföljning"), max_length=20, choices=RegisterOutcome.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("started_on")),
                name="participant_exit_after_start",
            ),
            models.CheckConstraint(
                condition=Q(exit_outcome="")
                | Q(exited_on__isnull=False)
                | Q(exit_outcome="still_in"),
                name="participant_outcome_needs_exit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ImportBatch(models.Model):
    """One uploaded file; its checksum makes re-uploading the same file a no-op."""

    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    form_code = models.CharField(max_length=40)
    rows = models.PositiveIntegerField()
    uploaded_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class Invitation(models.Model):
    """A single-use, expiring link (token) or short code for one questionnaire."""

    token = models.CharField(max_length=64, unique=True)
    short_code = models.CharField(max_length=12, unique=True)
    form_code = models.CharField(max_length=40)
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="invitations")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations"
    )
    batch = models.CharField(max_length=40, blank=True, db_index=True)
    # The instrument version the link was issued on; it is answered on that version even after
    # a newer one is published (null: issued before versions were recorded, answered on current).
    instrument_version = models.ForeignKey(
        "instrument.InstrumentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Answers saved as the respondent goes, until the questionnaire is submitted.
    draft_answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.short_code


class Response(models.Model):
    """One questionnaire, on one instrument version, form and occasion."""

    Source = ResponseSource
    Status = ResponseStatus

    key = models.CharField(max_length=80, unique=True)
    instrument_version = models.ForeignKey(
        "instrument.InstrumentVersion", on_delete=models.PROTECT, related_name="+"
    )
    form_code = models.CharField(max_length=40)
    occasion = models.CharField(max_length=20)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="responses")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.CharField(max_length=30)
    answered_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["form_code", "occasion", "answered_on"])]

    def __str__(self) -> str:
        return self.key


class Answer(models.Model):
    """One answer. ``dont_know`` is stored as missing: value stays NULL."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        "instrument.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_item = models.ForeignKey(
        LocalItem, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.SmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, local_item__isnull=True)
                | Q(item__isnull=True, local_item__isnull=False),
                name="answer_has_one_item",
            ),
            models.CheckConstraint(
                condition=Q(dont_know=False) | Q(value__isnull=True), name="dont_know_is_missing"
            ),
            models.UniqueConstraint(fields=["response", "item"], name="answer_item_unique"),
            models.UniqueConstraint(
                fields=["response", "local_item"], name="answer_local_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.item_id or self.local_item_id}={self.value}"


class MunicipalityYear(models.Model):
    """Society-level register data: full-year equivalents per municipality and year."""

    municipality = models.CharField(_("kommun"), max_length=100)
    year = models.PositiveSmallIntegerField(_("år"))
    sickness_disability_fte = models.DecimalField(
        _("sjukpenning/sjuk- och aktivitetsersättning (helårsekvivalenter)"),
        max_digits=10,
        decimal_places=1,
    )
    labour_market_fte = models.DecimalField(
        _("arbetsmarknadsstöd (helårsekvivalenter)"), max_digits=10, decimal_places=1
    )
    financial_assistance_fte = models.DecimalField(
        _("ekonomiskt bistånd (helårsekvivalenter)"), max_digits=10, decimal_places=1
    )
    population_20_64 = models.PositiveIntegerField(_("befolkning 20–64 år"))

    class Meta:
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="municipality_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def fte_total(self) -> object:
        return self.sickness_disability_fte + self.labour_market_fte + self.financial_assistance_fte


def _good_example_path(instance: GoodExample, filename: str) -> str:
    from tenants.db import current_schema

    # One folder per association schema: files never mix between tenants.
    return f"good_examples/{current_schema()}/{instance.reported_on:%Y}/{filename}"


class GoodExample(models.Model):
    """A narrative good example, reported instead of (or beside) a share for some goals."""

    local_item = models.ForeignKey(
        LocalItem,
        on_delete=models.PROTECT,
        related_name="good_examples",
        limit_choices_to={"kind": "good_example"},
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="good_examples"
    )
    reported_on = models.DateField(_("datum"))
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("beskrivning"))
    attachment = models.FileField(_("bilaga"), upload_to=_good_example_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "id"]

    def __str__(self) -> str:
        return self.title


class IdempotencyRecord(models.Model):
    """A request stored under an ``Idempotency-Key``. The key is scoped to the user who sent it
    (``scope_key`` is ``"<user id>:<key>"``) and remembers a hash of what was submitted, so the
    same key with another body is refused instead of silently replaying the first batch."""

    scope_key = models.CharField(max_length=100, unique=True)
    request_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.scope_key


class BokslutIntroduction(models.Model):
    """The association's own introduction to its social accounting report for one year
    (written by its administrators; shown above the results)."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    text = models.TextField(_("inledning"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
