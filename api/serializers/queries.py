"""Query parameters of the list and download endpoints (documented in the schema and parsed
through these serializers; every parameter is optional unless it says otherwise)."""

from __future__ import annotations

from rest_framework import serializers

from vocabulary.choices import ResponseSource


class AssociationListQuery(serializers.Serializer):
    archived = serializers.ChoiceField(
        choices=["0", "1"], required=False, help_text="1: archived associations too"
    )


class ResponseListQuery(serializers.Serializer):
    form_code = serializers.CharField(required=False, allow_blank=True)
    occasion = serializers.CharField(required=False, allow_blank=True)
    # The metaclass moves declared fields off the class; the name only clashes for mypy.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ResponseSource.choices, required=False, allow_blank=True
    )


class InvitationListQuery(serializers.Serializer):
    batch = serializers.CharField(required=False, allow_blank=True, help_text="One issue batch")


class ImportTemplateQuery(serializers.Serializer):
    form_code = serializers.CharField(help_text="The questionnaire the template is for")
    filetype = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")
