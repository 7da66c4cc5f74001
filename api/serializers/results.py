"""Shapes of an association's own results for a period and of its social accounting report
(``api.views.results``; the bodies are built by ``pilot.results``)."""

from __future__ import annotations

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    kind = serializers.CharField(help_text="year, half or range")


class FlowRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(allow_null=True))


class FlowSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = FlowRowSerializer(many=True)


class PeriodResultsSerializer(serializers.Serializer):
    """Own results of one period (no small-cell rule inside the association)."""

    period = PeriodSerializer()
    activity = serializers.IntegerField(allow_null=True, help_text="The activity narrowed to")
    answers = serializers.JSONField(help_text="Questionnaires answered in the period")
    results = serializers.JSONField(help_text="Per goal area and target: figures and signal")
    flow = FlowSerializer()


class BokslutSerializer(serializers.Serializer):
    """The social accounting report of one year, in the request's language."""

    association = serializers.CharField()
    year = serializers.IntegerField()
    language = serializers.ChoiceField(choices=["sv", "en"])
    introduction = serializers.JSONField()
    goal_areas = serializers.ListField(child=serializers.JSONField())
    flow = serializers.JSONField(help_text="columns, column_labels and rows with counts/shares")
    full_year_equivalents = serializers.JSONField()
    other_good_examples = serializers.JSONField()
    signals = serializers.JSONField(help_text="How many results reach, miss or lack data")
