"""Writes inside the current association's schema."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pilot.models import Activity


def activity_create(
    *,
    name: str,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Activity:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("Slutdatum kan inte ligga före startdatum.")]})
    activity = Activity(
        name=name.strip(), description=description, starts_on=starts_on, ends_on=ends_on
    )
    activity.full_clean()
    activity.save()
    return activity
