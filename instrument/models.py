"""The national instrument (public schema): versions, indicators, points, items, forms.

A version is immutable once published; every answer refers to an Item of one version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from instrument.targets import TargetRuleFields
from vocabulary.choices import (
    IndicatorLevel,
    IndicatorType,
    InstrumentStatus,
    LineageChange,
    PointSource,
)


class InstrumentVersion(models.Model):
    Status = InstrumentStatus

    code = models.CharField(max_length=20, unique=True)
    title_sv = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    source = models.TextField(blank=True)
    # SHA-256 of the canonical data file contents: reloading identical data is a no-op.
    content_sha256 = models.CharField(max_length=64)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="successors"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Scale shared by every core item of the version.
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=5)
    scale_labels = models.JSONField(help_text="[{value, sv, en}] for every step")
    missing_code = models.CharField(max_length=20, default="dont_know")
    missing_label_sv = models.CharField(max_length=100)
    missing_label_en = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_version_has_date",
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="scale_has_two_steps"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Indicator(models.Model):
    Type = IndicatorType
    Level = IndicatorLevel

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField()
    title_sv = models.TextField()
    title_en = models.TextField()
    short_sv = models.CharField(max_length=100)
    short_en = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=Type.choices)
    level = models.CharField(max_length=15, choices=Level.choices)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    definitions = models.JSONField(default=list, help_text="[{term_sv, term_en, text_sv, text_en}]")
    scale_text_sv = models.TextField(blank=True)
    occasions_text_sv = models.TextField(blank=True)
    method_text_sv = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="indicator_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_sv}"


class Point(models.Model):
    """A measurement point (mätpunkt): one row of Tabell 1."""

    Source = PointSource

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="points")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField()
    statement_sv = models.TextField()
    statement_en = models.TextField()
    respondents = models.JSONField(default=list)
    occasions = models.JSONField(default=list)
    source = models.CharField(max_length=10, choices=Source.choices)
    note_sv = models.TextField(blank=True)
    note_en = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="point_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}"


class Item(models.Model):
    """A scored statement; points 16 and 17 have several, point 20 (register) none."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=10)
    label = models.CharField(max_length=5, blank=True)
    statement_sv = models.TextField()
    statement_en = models.TextField()
    respondents = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "point__number", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_code_unique")]

    def __str__(self) -> str:
        return self.code


class Form(models.Model):
    """A questionnaire: an ordered list of items for one respondent group."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="forms")
    code = models.CharField(max_length=40)
    name_sv = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    respondent = models.CharField(max_length=30)
    occasions = models.JSONField(default=list)
    items = models.ManyToManyField(Item, through="FormItem", related_name="forms")

    class Meta:
        ordering = ["version", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="form_code_unique")]

    def __str__(self) -> str:
        return self.code


class FormItem(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="form_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["form", "position"]
        constraints = [
            models.UniqueConstraint(fields=["form", "position"], name="form_position_unique"),
            models.UniqueConstraint(fields=["form", "item"], name="form_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}#{self.position}"


class ItemLineage(models.Model):
    """Crosswalk from a version to its predecessor: same / reworded / new / dropped / split.

    A ``split`` predecessor has one row per part (both link it); only ``same`` and ``reworded``
    pool with the predecessor (docs/stats.md, "Instrument versions"). ``reason`` is the
    development group's motivation, required for every change drafted on the platform."""

    Change = LineageChange

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="lineage")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    previous_item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change = models.CharField(max_length=10, choices=Change.choices)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(change="new") & Q(previous_item__isnull=True) & Q(item__isnull=False))
                | (Q(change="dropped") & Q(item__isnull=True) & Q(previous_item__isnull=False))
                | (
                    Q(change__in=["same", "reworded", "split"])
                    & Q(item__isnull=False)
                    & Q(previous_item__isnull=False)
                ),
                name="lineage_change_matches_links",
            )
        ]

    def __str__(self) -> str:
        return f"{self.change}: {self.previous_item_id} -> {self.item_id}"


class NationalTarget(TargetRuleFields):
    """A national default target on a core point, set by the platform or the steering group."""

    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="national_targets")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(TargetRuleFields.Meta):
        ordering = ["point__number", "valid_from"]

    def __str__(self) -> str:
        return f"{self.point.number}: {self.describe()}"
