from __future__ import annotations

from rest_framework import serializers

from instrument.targets import RegisterOutcome, RuleKind
from pilot.models import Activity, GoodExample, LocalItem, LocalTarget, OccasionSchedule  # Meta
from pilot.selectors import activity_list, local_item_list
from vocabulary.choices import LocalItemKind


class ScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = OccasionSchedule
        fields = ["id", "form_code", "occasion", "interval_months"]
        read_only_fields = ["id"]


class ActivitySerializer(serializers.ModelSerializer):
    schedules = ScheduleSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "name",
            "description",
            "starts_on",
            "ends_on",
            "form_codes",
            "schedules",
            "created_at",
        ]
        read_only_fields = fields


class ActivityInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    form_codes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )


class ActivityFormsInputSerializer(serializers.Serializer):
    form_codes = serializers.ListField(child=serializers.CharField(max_length=40))


class ScheduleInputSerializer(serializers.Serializer):
    form_code = serializers.CharField(max_length=40)
    occasion = serializers.CharField(max_length=20)
    interval_months = serializers.IntegerField(required=False, allow_null=True, default=None)


class ScaleLabelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    sv = serializers.CharField(max_length=100)
    en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LocalItemSerializer(serializers.ModelSerializer):
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = LocalItem
        fields = [
            "id",
            "code",
            "text_sv",
            "text_en",
            "kind",
            "scale_points",
            "scale_labels",
            "number_min",
            "number_max",
            "form_codes",
            "activities",
            "active",
            "is_local",
            "created_at",
        ]
        read_only_fields = fields


class LocalItemInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    text_sv = serializers.CharField()
    text_en = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=LocalItemKind.choices)
    scale_points = serializers.IntegerField(required=False, allow_null=True, default=None)
    scale_labels = ScaleLabelSerializer(many=True, required=False, default=list)
    number_min = serializers.DecimalField(12, 2, required=False, allow_null=True, default=None)
    number_max = serializers.DecimalField(12, 2, required=False, allow_null=True, default=None)
    activities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=activity_list(), required=False, default=list
    )


class TargetRuleInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    category = serializers.IntegerField(required=False, allow_null=True, default=None)
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=11), required=False, default=list
    )
    percent = serializers.DecimalField(5, 2, required=False, allow_null=True, default=None)
    mean = serializers.DecimalField(5, 2, required=False, allow_null=True, default=None)
    outcomes = serializers.ListField(
        child=serializers.ChoiceField(choices=RegisterOutcome.choices),
        required=False,
        default=list,
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class LocalTargetInputSerializer(TargetRuleInputSerializer):
    point_number = serializers.IntegerField(required=False, allow_null=True, default=None)
    local_item = serializers.PrimaryKeyRelatedField(
        queryset=local_item_list(), required=False, allow_null=True, default=None
    )


class LocalTargetSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = LocalTarget
        fields = [
            "id",
            "point_number",
            "local_item",
            "kind",
            "category",
            "categories",
            "percent",
            "mean",
            "outcomes",
            "valid_from",
            "valid_to",
            "rule",
            "created_at",
        ]
        read_only_fields = fields


class GoodExampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoodExample
        fields = [
            "id",
            "local_item",
            "activity",
            "reported_on",
            "title",
            "text",
            "attachment",
            "created_at",
        ]
        read_only_fields = fields


class GoodExampleInputSerializer(serializers.Serializer):
    local_item = serializers.PrimaryKeyRelatedField(queryset=local_item_list())
    activity = serializers.PrimaryKeyRelatedField(
        queryset=activity_list(), required=False, allow_null=True, default=None
    )
    reported_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


class TargetChangeSerializer(serializers.Serializer):
    """A partial change of a target's rule or validity period (PATCH)."""

    kind = serializers.ChoiceField(choices=RuleKind.choices, required=False)
    category = serializers.IntegerField(required=False, allow_null=True)
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=11), required=False
    )
    percent = serializers.DecimalField(5, 2, required=False, allow_null=True)
    mean = serializers.DecimalField(5, 2, required=False, allow_null=True)
    outcomes = serializers.ListField(
        child=serializers.ChoiceField(choices=RegisterOutcome.choices), required=False
    )
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)


class TargetEndSerializer(serializers.Serializer):
    valid_to = serializers.DateField()


class LocalItemPlacementSerializer(serializers.Serializer):
    """Where a local item is asked: forms (codes) of chosen activities (ids)."""

    form_codes = serializers.ListField(child=serializers.CharField(max_length=40))
    activities = serializers.PrimaryKeyRelatedField(many=True, queryset=Activity.objects.all())
