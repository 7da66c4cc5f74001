from __future__ import annotations

from rest_framework import serializers

from api.serializers.pilot import TargetRuleInputSerializer
from instrument.models import (  # Meta models
    Form,
    Indicator,
    InstrumentVersion,
    Item,
    NationalTarget,
    Point,
)


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["code", "label", "statement_sv", "statement_en", "respondents"]


class PointSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)
    indicator = serializers.IntegerField(source="indicator.number")

    class Meta:
        model = Point
        fields = [
            "number",
            "indicator",
            "statement_sv",
            "statement_en",
            "respondents",
            "occasions",
            "source",
            "items",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "number",
            "title_sv",
            "title_en",
            "short_sv",
            "short_en",
            "type",
            "level",
            "description_sv",
            "description_en",
            "definitions",
        ]


class FormSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Form
        fields = ["code", "name_sv", "name_en", "respondent", "occasions", "items"]

    def get_items(self, obj: Form) -> list[str]:
        return [fi.item.code for fi in obj.form_items.all()]


class InstrumentVersionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    points = PointSerializer(many=True, read_only=True)
    forms = FormSerializer(many=True, read_only=True)

    class Meta:
        model = InstrumentVersion
        fields = [
            "code",
            "title_sv",
            "title_en",
            "status",
            "published_at",
            "scale_min",
            "scale_max",
            "scale_labels",
            "missing_code",
            "missing_label_sv",
            "missing_label_en",
            "indicators",
            "points",
            "forms",
        ]


class NationalTargetSerializer(serializers.ModelSerializer):
    point = serializers.IntegerField(source="point.number", read_only=True)
    rule = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = NationalTarget
        fields = [
            "id",
            "point",
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


class NationalTargetInputSerializer(TargetRuleInputSerializer):
    point = serializers.IntegerField()


class InstrumentVersionStatusSerializer(serializers.Serializer):
    """What publishing a version answers: its code and new status."""

    code = serializers.CharField()
    status = serializers.CharField()
