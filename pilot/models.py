"""Tenant-schema models: everything here lives in one association's own schema."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from instrument.targets import TargetRuleFields


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
    occasion = models.CharField(_("mättillfälle"), max_length=20)
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

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Skala (2–11 steg)")
        YES_NO = "yes_no", _("Ja/nej")
        NUMBER = "number", _("Tal")
        GOOD_EXAMPLE = "good_example", _("Gott exempel (berättelse)")

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
