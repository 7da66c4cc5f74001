"""Reads of the national instrument."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from instrument.models import (
    Form,
    FormItem,
    Indicator,
    InstrumentVersion,
    Item,
    ItemLineage,
    NationalTarget,
    Point,
)

#: crosswalk changes whose item pools with its predecessor (docs/stats.md, "Instrument versions")
COMPARABLE_CHANGES = (ItemLineage.Change.SAME, ItemLineage.Change.REWORDED)


def instrument_version_current() -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
    )


def instrument_version_list(
    *, with_contents: bool = False, newest_first: bool = False
) -> QuerySet[InstrumentVersion]:
    """Every version (oldest first unless ``newest_first``); ``with_contents`` prefetches
    indicators, points, items and forms."""
    qs = InstrumentVersion.objects.all()
    if newest_first:
        qs = qs.order_by("-created_at")
    if not with_contents:
        return qs
    return qs.prefetch_related(
        "indicators",
        "points__items",
        "points__indicator",
        Prefetch("forms__form_items", queryset=FormItem.objects.select_related("item")),
    )


def instrument_version_codes(*, published_only: bool = False) -> list[str]:
    qs = InstrumentVersion.objects.all()
    if published_only:
        qs = qs.filter(status=InstrumentVersion.Status.PUBLISHED)
    return list(qs.values_list("code", flat=True))


def indicator_list(*, version: InstrumentVersion) -> QuerySet[Indicator]:
    """The version's indicators with their points and each point's items."""
    return version.indicators.prefetch_related(
        Prefetch("points", queryset=Point.objects.prefetch_related("items"))
    )


def form_list(
    *,
    version: InstrumentVersion | None,
    codes: Iterable[str] | None = None,
    with_items: bool = False,
) -> QuerySet[Form]:
    """The version's forms (only ``codes`` when given); ``with_items`` prefetches each form's
    items in questionnaire order."""
    qs = Form.objects.filter(version=version)
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return qs.prefetch_related("form_items__item") if with_items else qs


def form_get(*, version: InstrumentVersion | None, code: str) -> Form | None:
    return Form.objects.filter(version=version, code=code).first()


def form_points(*, version_code: str) -> dict[str, set[int]]:
    """Form code -> the point numbers its items measure, in the version coded ``version_code``."""
    out: dict[str, set[int]] = defaultdict(set)
    rows = FormItem.objects.filter(form__version__code=version_code).values_list(
        "form__code", "item__point__number"
    )
    for form_code, point in rows:
        out[form_code].add(point)
    return dict(out)


def national_target_list() -> QuerySet[NationalTarget]:
    return NationalTarget.objects.select_related("point")


def national_target_get(*, pk: int) -> NationalTarget | None:
    return national_target_list().filter(pk=pk).first()


def point_list(
    *, version: InstrumentVersion | None, with_indicator: bool = False
) -> QuerySet[Point]:
    qs = Point.objects.filter(version=version)
    return qs.select_related("indicator") if with_indicator else qs


def point_get(*, version: InstrumentVersion | None, number: int) -> Point | None:
    return Point.objects.filter(version=version, number=number).first()


def form_items(*, form: Form) -> list[Item]:
    """The form's items in questionnaire order."""
    return [fi.item for fi in form.form_items.select_related("item__point__indicator")]


def item_predecessors(*, version: InstrumentVersion) -> QuerySet[ItemLineage]:
    """The crosswalk of ``version`` against its predecessor."""
    return version.lineage.select_related("item", "previous_item")


def item_crosswalk(*, version: InstrumentVersion) -> dict[str, str | None]:
    """Previous version's item code -> this version's item code (None where dropped). A split
    item maps to none of its parts here: its parts are new items, not the same question."""
    mapping: dict[str, str | None] = {}
    for link in item_predecessors(version=version):
        if link.change == ItemLineage.Change.SPLIT:
            mapping.setdefault(link.previous_item.code, None)  # type: ignore[union-attr]
        elif link.previous_item is not None:
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


@dataclass(frozen=True)
class PoolingItem:
    """How one item's answers pool across versions (docs/stats.md, "Instrument versions")."""

    key: str  # the pooled item code: the oldest comparable ancestor's code
    code: str  # the item's code in its own version
    point: int
    indicator: int
    version: str
    comparable: bool  # pools into its point's results with the earlier versions


def item_pooling_keys() -> dict[int, PoolingItem]:
    """Every item of every version (oldest first) -> its pooling key through the crosswalk.

    An item linked ``same`` or ``reworded`` to an item of the previous version takes that item's
    key and pools with it; a ``new`` item of a later version, or a part of a ``split`` one,
    keeps its code (``code@version`` when an earlier version already used the code) and is
    reported per version only: its answers count in the item-level reports of its version, not
    in its point's shares."""
    versions = list(InstrumentVersion.objects.order_by("created_at", "pk"))
    links = {
        link.item_id: link.previous_item_id
        for link in ItemLineage.objects.filter(
            item__isnull=False, previous_item__isnull=False, change__in=COMPARABLE_CHANGES
        )
    }
    out: dict[int, PoolingItem] = {}
    used: set[str] = set()
    for version in versions:
        items = Item.objects.filter(version=version).select_related("point__indicator")
        first = version.previous_id is None
        for item in items.order_by("pk"):
            previous = links.get(item.pk)
            if previous is not None and previous in out:
                key, comparable = out[previous].key, out[previous].comparable
            else:
                key = item.code if item.code not in used else f"{item.code}@{version.code}"
                comparable = first
            used.add(key)
            out[item.pk] = PoolingItem(
                key,
                item.code,
                item.point.number,
                item.point.indicator.number,
                version.code,
                comparable,
            )
    return out


def pooling_forms() -> dict[str, list[str]]:
    """Form code -> its items' pooling keys, in questionnaire order, over every version (an
    item a later version added comes after the earlier versions' items)."""
    keys = item_pooling_keys()
    forms: dict[str, list[str]] = {}
    rows = FormItem.objects.select_related("form__version").order_by(
        "form__version__created_at", "form__version_id", "form_id", "position"
    )
    for fi in rows:
        listed = forms.setdefault(fi.form.code, [])
        key = keys[fi.item_id].key
        if key not in listed:
            listed.append(key)
    return forms


def instrument_version_get(*, code: str) -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.select_related("previous", "published_by")
        .filter(code=code)
        .first()
    )


def instrument_draft_open() -> InstrumentVersion | None:
    """The draft being worked on (one at a time), if any."""
    return (
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.DRAFT)
        .select_related("previous")
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class VersionChange:
    """One crosswalk row, side by side: the earlier item and the version's item."""

    point: int
    change: str
    reason: str
    old_code: str
    old_sv: str
    old_en: str
    new_code: str
    new_sv: str
    new_en: str
    comparable: bool  # pools with the earlier version's answers
    forms: tuple[str, ...]  # the forms the version's item is on (codes)


def instrument_version_changes(
    *, version: InstrumentVersion, include_same: bool = False
) -> list[VersionChange]:
    """The version's crosswalk against its predecessor, in point and item order."""
    links = version.lineage.select_related("item__point", "previous_item__point").prefetch_related(
        "item__forms"
    )
    rows = []
    for link in links:
        if link.change == ItemLineage.Change.SAME and not include_same:
            continue
        old, new = link.previous_item, link.item
        either = new or old
        assert either is not None
        rows.append(
            VersionChange(
                point=either.point.number,
                change=link.change,
                reason=link.reason,
                old_code=old.code if old else "",
                old_sv=old.statement_sv if old else "",
                old_en=old.statement_en if old else "",
                new_code=new.code if new else "",
                new_sv=new.statement_sv if new else "",
                new_en=new.statement_en if new else "",
                comparable=link.change in COMPARABLE_CHANGES,
                forms=tuple(f.code for f in new.forms.all()) if new else (),
            )
        )
    return sorted(rows, key=lambda r: (r.point, _code_order(r.old_code or r.new_code), r.new_code))


def _code_order(code: str) -> tuple[int, str]:
    digits = "".join(c for c in code if c.isdigit())
    return (int(digits) if digits else 0, code)


def instrument_draft_problems(*, version: InstrumentVersion) -> list[str]:
    """Why a draft of a later version cannot be published yet (empty list: it can)."""
    problems: list[str] = []
    current = instrument_version_current()
    if version.previous_id is not None and current is not None and current != version.previous:
        problems.append(
            _(
                "Utkastet bygger på version %(previous)s men gällande version är %(current)s. "
                "Gör ett nytt utkast från den gällande versionen."
            )
            % {"previous": version.previous, "current": current.code}
        )
    links = list(version.lineage.select_related("item", "previous_item"))
    if not [link for link in links if link.change != ItemLineage.Change.SAME]:
        problems.append(
            _("Utkastet innehåller inga ändringar mot version %(previous)s.")
            % {"previous": version.previous}
        )
    for link in links:
        if link.change != ItemLineage.Change.SAME and not link.reason.strip():
            problems.append(
                _("Ändringen av fråga %(code)s saknar motivering.")
                % {"code": (link.item or link.previous_item).code}  # type: ignore[union-attr]
            )
    for item in version.items.filter(forms__isnull=True).order_by("pk"):
        problems.append(_("Fråga %(code)s finns inte i något formulär.") % {"code": item.code})
    for form in version.forms.filter(form_items__isnull=True):
        problems.append(_("Formuläret %(name)s har inga frågor.") % {"name": form.name_sv})
    return problems


@dataclass(frozen=True)
class DraftItem:
    code: str
    statement_sv: str
    statement_en: str
    change: str  # its crosswalk row's change (same for an untouched question)
    reason: str
    forms: tuple[Form, ...]
    splittable: bool  # a question of the previous version (same or reworded)


@dataclass(frozen=True)
class DraftPoint:
    number: int
    statement_sv: str
    statement_en: str
    survey: bool
    items: tuple[DraftItem, ...]


def instrument_version_outline(*, version: InstrumentVersion) -> list[DraftPoint]:
    """The version's points with their items, each with its crosswalk change and forms."""
    links = {link.item_id: link for link in version.lineage.filter(item__isnull=False)}
    forms: dict[int, list[Form]] = {}
    for fi in FormItem.objects.filter(form__version=version).select_related("form"):
        forms.setdefault(fi.item_id, []).append(fi.form)
    out = []
    for point in version.points.prefetch_related("items").order_by("number"):
        items = []
        for item in sorted(point.items.all(), key=lambda i: _code_order(i.code)):
            link = links.get(item.pk)
            change = link.change if link else ItemLineage.Change.SAME
            items.append(
                DraftItem(
                    item.code,
                    item.statement_sv,
                    item.statement_en,
                    change,
                    link.reason if link else "",
                    tuple(sorted(forms.get(item.pk, []), key=lambda f: f.pk)),
                    link is not None and change in COMPARABLE_CHANGES,
                )
            )
        out.append(
            DraftPoint(
                point.number,
                point.statement_sv,
                point.statement_en,
                point.source == Point.Source.SURVEY,
                tuple(items),
            )
        )
    return out


def instrument_version_forms(*, version: InstrumentVersion) -> QuerySet[Form]:
    return Form.objects.filter(version=version).order_by("pk")
