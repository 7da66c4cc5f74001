"""Drafting the next instrument version through the API: inputs and the side-by-side changes."""

from __future__ import annotations

from rest_framework import serializers

DRAFT_ACTIONS = ("reword", "add", "drop", "split")


class InstrumentDraftInputSerializer(serializers.Serializer):
    """A new draft: a copy of the current published version under a new code."""

    code = serializers.CharField(max_length=20)
    title_sv = serializers.CharField(max_length=300)
    title_en = serializers.CharField(max_length=300)


class ItemTextSerializer(serializers.Serializer):
    statement_sv = serializers.CharField(allow_blank=True, max_length=2000)
    statement_en = serializers.CharField(allow_blank=True, max_length=2000)


class InstrumentChangeInputSerializer(serializers.Serializer):
    """One change to the draft. ``reword``: item + statements; ``add``: point + forms +
    statements; ``drop``: item; ``split``: item + two ``parts``. Every change needs a reason."""

    action = serializers.ChoiceField(choices=[(a, a) for a in DRAFT_ACTIONS])
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    item = serializers.CharField(required=False, max_length=10)
    point = serializers.IntegerField(required=False, min_value=1)
    forms = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    statement_sv = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    statement_en = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    parts = ItemTextSerializer(many=True, required=False)

    def validate(self, attrs: dict) -> dict:
        needs = {
            "reword": ("item", "statement_sv", "statement_en"),
            "add": ("point", "forms", "statement_sv", "statement_en"),
            "drop": ("item",),
            "split": ("item", "parts"),
        }[attrs["action"]]
        missing = {f: ["Fältet krävs för den här ändringen."] for f in needs if f not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class VersionChangeSerializer(serializers.Serializer):
    """One crosswalk row side by side (``instrument.selectors.VersionChange``)."""

    point = serializers.IntegerField()
    change = serializers.CharField()
    reason = serializers.CharField()
    old_code = serializers.CharField()
    old_sv = serializers.CharField()
    old_en = serializers.CharField()
    new_code = serializers.CharField()
    new_sv = serializers.CharField()
    new_en = serializers.CharField()
    comparable = serializers.BooleanField()
    forms = serializers.ListField(child=serializers.CharField())


class InstrumentDraftSerializer(serializers.Serializer):
    """A version with its changes against the previous one and what stops it being published."""

    code = serializers.CharField()
    title_sv = serializers.CharField()
    title_en = serializers.CharField()
    status = serializers.CharField()
    previous = serializers.CharField(allow_null=True)
    changes = VersionChangeSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())
