"""Drafting the next instrument version on the platform (issue 16.5): a copy of the current
version changed item by item, each change with its crosswalk entry and reason. Publishing is
``instrument.services.instrument_version_publish``; a published version is never changed.

Every writer is keyword-only, takes ``actor=`` and records an audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from instrument.models import (
    Form,
    FormItem,
    Indicator,
    InstrumentVersion,
    Item,
    ItemLineage,
    Point,
)
from instrument.selectors import instrument_draft_open, instrument_version_current
from tenants.audit import audit_record
from tenants.personal_numbers import personal_numbers_refuse

if TYPE_CHECKING:
    from tenants.models import User

Change = ItemLineage.Change
VERSION_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
MAX_TEXT = 2000


def _clone(obj: Any, **overrides: Any) -> Any:
    values = {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key
    }
    return type(obj)(**{**values, **overrides})


def _required(values: dict[str, str], message: str) -> dict[str, str]:
    """Stripped texts; ValidationError naming every empty or over-long field."""
    out = {name: (value or "").strip() for name, value in values.items()}
    errors = {name: [message] for name, value in out.items() if not value}
    errors |= {
        name: [_("Högst %(n)s tecken.") % {"n": MAX_TEXT}]
        for name, value in out.items()
        if len(value) > MAX_TEXT
    }
    if errors:
        raise ValidationError(errors)
    personal_numbers_refuse(out)
    return out


def _reason(reason: str) -> str:
    return _required({"reason": reason}, _("Skriv varför frågan ändras."))["reason"]


def _statements(statement_sv: str, statement_en: str) -> tuple[str, str]:
    texts = _required(
        {"statement_sv": statement_sv, "statement_en": statement_en},
        _("Skriv frågan på svenska och engelska."),
    )
    return texts["statement_sv"], texts["statement_en"]


@transaction.atomic
def instrument_draft_create(
    *, code: str, title_sv: str, title_en: str, actor: User | None
) -> InstrumentVersion:
    """A draft of the next version: a copy of the current published version, every item
    linked ``same`` to its original. One draft at a time. Audited."""
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if not VERSION_CODE.match(code):
        errors["code"] = [_("Ange en versionskod, t.ex. 2026.1 (högst 20 tecken).")]
    elif InstrumentVersion.objects.filter(code=code).exists():
        errors["code"] = [_("Version %(code)s finns redan.") % {"code": code}]
    try:
        titles = _required({"title_sv": title_sv, "title_en": title_en}, _("Ange en titel."))
    except ValidationError as exc:
        errors |= exc.message_dict
        titles = {}
    current = instrument_version_current()
    open_draft = instrument_draft_open()
    if current is None:
        errors["version"] = [_("Det finns ingen publicerad version att utgå från.")]
    elif open_draft is not None:
        errors["version"] = [
            _("Det finns redan ett utkast (%(code)s). Publicera eller ta bort det först.")
            % {"code": open_draft.code}
        ]
    if errors:
        raise ValidationError(errors)
    assert current is not None
    version = _clone(
        current,
        code=code,
        title_sv=titles["title_sv"],
        title_en=titles["title_en"],
        source="",
        content_sha256="",
        previous_id=current.pk,
        status=InstrumentVersion.Status.DRAFT,
        published_at=None,
        published_by_id=None,
    )
    version.save()
    indicators = {}
    for indicator in current.indicators.all():
        indicators[indicator.pk] = _clone(indicator, version_id=version.pk)
    Indicator.objects.bulk_create(indicators.values())
    points = {p.pk: _clone(p, version_id=version.pk, indicator_id=indicators[p.indicator_id].pk)
              for p in current.points.all()}  # fmt: skip
    Point.objects.bulk_create(points.values())
    old_items = list(current.items.all())
    items = {i.pk: _clone(i, version_id=version.pk, point_id=points[i.point_id].pk)
             for i in old_items}  # fmt: skip
    Item.objects.bulk_create(items.values())
    ItemLineage.objects.bulk_create(
        ItemLineage(version=version, item=items[old.pk], previous_item=old, change=Change.SAME)
        for old in old_items
    )
    for form in current.forms.all():
        rows = list(form.form_items.all())
        copy = _clone(form, version_id=version.pk)
        copy.save()
        FormItem.objects.bulk_create(
            FormItem(form=copy, item=items[fi.item_id], position=fi.position) for fi in rows
        )
    audit_record(action="instrument.drafted", actor=actor, version=code, previous=current.code)
    return version


def _draft(version: InstrumentVersion) -> InstrumentVersion:
    """The draft, locked; a published version is refused (it never changes)."""
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        message = _("Version %(code)s är publicerad och kan inte ändras.")
        raise ValidationError({"version": [message % {"code": version.code}]})
    if version.previous_id is None:
        raise ValidationError({"version": [_("Utkastet har ingen föregående version.")]})
    return version


def _item(version: InstrumentVersion, code: str) -> tuple[Item, ItemLineage]:
    item = Item.objects.filter(version=version, code=(code or "").strip()).first()
    if item is None:
        raise ValidationError(
            {"item": [_("Fråga %(code)s finns inte i utkastet.") % {"code": code}]}
        )
    return item, ItemLineage.objects.select_related("previous_item").get(item=item)


def _delete(qs: QuerySet[Any]) -> None:
    """Delete without Django's collector: it would look for answers (``pilot.Answer.item``) in
    the public schema, where that table does not exist. Drafts have no answers: invitations
    and responses refer to published versions only."""
    qs._raw_delete(qs.db)


def _next_codes(n: int) -> list[str]:
    """Item codes never used in any version: p<highest number + 1>, ..."""
    numbers = [int(c[1:]) for c in Item.objects.values_list("code", flat=True).distinct()
               if re.fullmatch(r"p\d+", c)]  # fmt: skip
    start = max(numbers, default=0) + 1
    return [f"p{start + k}" for k in range(n)]


def _reorder(form: Form, replace: dict[int, Sequence[Item]]) -> None:
    """Rewrite a form's item order, each item id in ``replace`` swapped for its items."""
    order: list[int] = []
    for item_id in form.form_items.order_by("position").values_list("item_id", flat=True):
        order += [i.pk for i in replace[item_id]] if item_id in replace else [item_id]
    FormItem.objects.filter(form=form).delete()
    FormItem.objects.bulk_create(
        FormItem(form=form, item_id=item_id, position=n) for n, item_id in enumerate(order, 1)
    )


@transaction.atomic
def instrument_item_reword(
    *,
    version: InstrumentVersion,
    item_code: str,
    statement_sv: str,
    statement_en: str,
    reason: str,
    actor: User | None,
) -> ItemLineage:
    """New wording for an item of the draft. A question of the previous version becomes
    ``reworded`` (back to ``same`` if the wording is the old one again). Audited."""
    version = _draft(version)
    item, link = _item(version, item_code)
    sv, en = _statements(statement_sv, statement_en)
    reason = _reason(reason)
    if (sv, en) == (item.statement_sv, item.statement_en):
        raise ValidationError({"statement_sv": [_("Lydelsen är densamma som nu.")]})
    item.statement_sv, item.statement_en = sv, en
    item.save(update_fields=["statement_sv", "statement_en"])
    old = link.previous_item
    if link.change in (Change.SAME, Change.REWORDED) and old is not None:
        unchanged = (old.statement_sv, old.statement_en) == (sv, en)
        link.change = Change.SAME if unchanged else Change.REWORDED
        reason = "" if unchanged else reason
    link.reason = reason
    link.save(update_fields=["change", "reason"])
    audit_record(action="instrument.item_reworded", actor=actor, version=version.code,
                 item=item.code, change=link.change)  # fmt: skip
    return link


@transaction.atomic
def instrument_item_add(
    *,
    version: InstrumentVersion,
    point_number: int,
    statement_sv: str,
    statement_en: str,
    form_codes: Iterable[str],
    reason: str,
    actor: User | None,
) -> Item:
    """A new item on a survey point, last on the chosen forms; crosswalk ``new``. Audited."""
    version = _draft(version)
    point = Point.objects.filter(version=version, number=point_number).first()
    if point is None or point.source != Point.Source.SURVEY:
        raise ValidationError({"point": [_("Välj en mätpunkt som mäts med enkät.")]})
    codes = sorted(set(form_codes))
    forms = list(Form.objects.filter(version=version, code__in=codes))
    if not codes or len(forms) != len(codes):
        raise ValidationError({"forms": [_("Välj minst ett formulär som frågan ska stå i.")]})
    if point.respondents and {f.respondent for f in forms} - set(point.respondents):
        raise ValidationError({"forms": [_("Formuläret besvaras inte av mätpunktens svarsgrupp.")]})
    sv, en = _statements(statement_sv, statement_en)
    reason = _reason(reason)
    [code] = _next_codes(1)
    item = Item.objects.create(
        version=version, point=point, code=code, statement_sv=sv, statement_en=en,
        respondents=sorted({f.respondent for f in forms}),
    )  # fmt: skip
    for form in forms:
        last = form.form_items.aggregate(last=Max("position"))["last"] or 0
        FormItem.objects.create(form=form, item=item, position=last + 1)
    ItemLineage.objects.create(version=version, item=item, change=Change.NEW, reason=reason)
    audit_record(action="instrument.item_added", actor=actor, version=version.code,
                 item=code, point=point.number, forms=codes)  # fmt: skip
    return item


@transaction.atomic
def instrument_item_drop(
    *, version: InstrumentVersion, item_code: str, reason: str, actor: User | None
) -> ItemLineage | None:
    """Take an item out of the draft and its forms. A question of the previous version gets a
    ``dropped`` crosswalk row (none for an item new in this draft). Audited."""
    version = _draft(version)
    item, link = _item(version, item_code)
    reason = _reason(reason)
    old, was = link.previous_item, link.change
    link.delete()
    FormItem.objects.filter(item=item).delete()
    _delete(Item.objects.filter(pk=item.pk))
    dropped = None
    if old is not None and not ItemLineage.objects.filter(version=version, previous_item=old):
        dropped = ItemLineage.objects.create(
            version=version, previous_item=old, change=Change.DROPPED, reason=reason
        )
    audit_record(action="instrument.item_dropped", actor=actor, version=version.code,
                 item=item_code, was=was)  # fmt: skip
    return dropped


@transaction.atomic
def instrument_item_split(
    *,
    version: InstrumentVersion,
    item_code: str,
    parts: Sequence[tuple[str, str]],
    reason: str,
    actor: User | None,
) -> list[Item]:
    """Split a question of the previous version into two new items (Swedish, English) in its
    place on every form; both link the old item as ``split`` and do not pool with it. Audited."""
    version = _draft(version)
    item, link = _item(version, item_code)
    if link.change not in (Change.SAME, Change.REWORDED) or link.previous_item is None:
        raise ValidationError({"item": [_("Bara en fråga från föregående version kan delas.")]})
    if len(parts) != 2:
        raise ValidationError({"parts": [_("En fråga delas i två nya frågor.")]})
    texts = []
    for n, (sv, en) in enumerate(parts, 1):
        try:
            texts.append(_statements(sv, en))
        except ValidationError as exc:
            raise ValidationError(
                {f"part{n}_{field}": msgs for field, msgs in exc.message_dict.items()}
            ) from exc
    reason = _reason(reason)
    new = [
        Item.objects.create(version=version, point_id=item.point_id, code=code, statement_sv=sv,
                            statement_en=en, respondents=item.respondents)
        for code, (sv, en) in zip(_next_codes(2), texts, strict=True)
    ]  # fmt: skip
    for form in Form.objects.filter(version=version, form_items__item=item):
        _reorder(form, {item.pk: new})
    old = link.previous_item
    link.delete()
    _delete(Item.objects.filter(pk=item.pk))
    ItemLineage.objects.bulk_create(
        ItemLineage(version=version, item=part, previous_item=old, change=Change.SPLIT,
                    reason=reason)
        for part in new
    )  # fmt: skip
    audit_record(action="instrument.item_split", actor=actor, version=version.code,
                 item=item_code, parts=[i.code for i in new])  # fmt: skip
    return new


@transaction.atomic
def instrument_draft_discard(*, version: InstrumentVersion, actor: User | None) -> None:
    """Delete a draft and everything in it. Audited."""
    version = _draft(version)
    FormItem.objects.filter(form__version=version).delete()
    ItemLineage.objects.filter(version=version).delete()
    for model in (Form, Item, Point, Indicator):
        _delete(model.objects.filter(version=version))
    code = version.code
    _delete(InstrumentVersion.objects.filter(pk=version.pk))
    audit_record(action="instrument.draft_discarded", actor=actor, version=code)
