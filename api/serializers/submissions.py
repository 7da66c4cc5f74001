"""Answers of the write endpoints that store questionnaires or register rows."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.collection import ResponseSerializer


class SubmissionResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(
        help_text="False when an Idempotency-Key replays an earlier request (nothing stored)."
    )
    responses = ResponseSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when the same file was imported before.")
    batch = serializers.IntegerField()
    rows = serializers.IntegerField()


class RegisterImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Municipality-year rows stored.")
