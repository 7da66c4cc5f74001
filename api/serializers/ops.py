"""Health checks."""

from __future__ import annotations

from rest_framework import serializers


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text='"ok"')


class WorkerHealthSerializer(serializers.Serializer):
    expected_schema = serializers.CharField(help_text="The schema the probe was queued from.")
    worker_schema = serializers.CharField(help_text="The schema the worker ran the probe in.")
    ok = serializers.BooleanField()
