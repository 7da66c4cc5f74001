"""Shapes every endpoint shares: the error body of :mod:`api.errors`."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every 4xx/5xx answer: ``{"detail": str, "errors": {field: [messages]}}``."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    # The metaclass moves declared fields off the class, so ``Serializer.errors`` still works.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Per field (or ``non_field_errors``): a list of messages; nested for nested "
        "input, e.g. ``submissions.0.answers``. Empty when the error is not about a field.",
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(ErrorSerializer):
    """A rejected upload: nothing was stored. A file that was read has its cell errors (the
    first ones) with their rows; a request without a usable file has only the error shape."""

    errors_total = serializers.IntegerField(
        required=False, help_text="Cell errors in the whole file."
    )
    rows = RowErrorSerializer(many=True, required=False)
