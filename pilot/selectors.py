"""Reads inside the current association's schema."""

from __future__ import annotations

from django.db.models import QuerySet

from pilot.models import Activity


def activity_list() -> QuerySet[Activity]:
    return Activity.objects.all()


def activity_names() -> list[str]:
    return list(Activity.objects.values_list("name", flat=True))
