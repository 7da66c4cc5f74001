"""Reads of the national instrument."""

from __future__ import annotations

from django.db.models import QuerySet

from instrument.models import Form, InstrumentVersion, Item, ItemLineage


def instrument_version_current() -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
    )


def form_items(*, form: Form) -> list[Item]:
    """The form's items in questionnaire order."""
    return [fi.item for fi in form.form_items.select_related("item__point__indicator")]


def item_predecessors(*, version: InstrumentVersion) -> QuerySet[ItemLineage]:
    """The crosswalk of ``version`` against its predecessor."""
    return version.lineage.select_related("item", "previous_item")


def item_crosswalk(*, version: InstrumentVersion) -> dict[str, str | None]:
    """Previous version's item code -> this version's item code (None where dropped)."""
    mapping: dict[str, str | None] = {}
    for link in item_predecessors(version=version):
        if link.previous_item is not None:
            mapping[link.previous_item.code] = link.item.code if link.item else None
    return mapping
