"""Reads of the national instrument."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet

from instrument.models import Form, FormItem, InstrumentVersion, Item, ItemLineage


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


@dataclass(frozen=True)
class FormCatalogue:
    """A published version's forms and their items, for validating answers."""

    forms: dict[str, Form]
    items: dict[str, dict[str, Item]]  # form code -> item code -> item


@lru_cache(maxsize=8)
def _form_catalogue(version_id: int, published_at: object) -> FormCatalogue:
    forms = {f.code: f for f in Form.objects.filter(version_id=version_id)}
    items: dict[str, dict[str, Item]] = {code: {} for code in forms}
    for fi in FormItem.objects.filter(form__version_id=version_id).select_related("item", "form"):
        items[fi.form.code][fi.item.code] = fi.item
    return FormCatalogue(forms, items)


def form_catalogue(*, version: InstrumentVersion) -> FormCatalogue:
    """Cached per published version: a published version never changes (drafts are not cached,
    ``published_at`` is part of the key)."""
    if not version.is_published:
        return _form_catalogue.__wrapped__(version.pk, None)
    return _form_catalogue(version.pk, version.published_at)
