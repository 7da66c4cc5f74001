"""Drafting the next instrument version: each change writes its crosswalk row with its reason,
publishing checks the draft, a published version never changes, split parts pool on their own."""

import pytest
from django.core.exceptions import ValidationError

from instrument.models import FormItem, InstrumentVersion, Item, ItemLineage
from instrument.selectors import (
    instrument_draft_problems,
    instrument_version_changes,
    item_crosswalk,
    item_pooling_keys,
)
from instrument.services import (
    instrument_draft_create,
    instrument_draft_discard,
    instrument_item_add,
    instrument_item_drop,
    instrument_item_reword,
    instrument_item_split,
    instrument_version_publish,
)
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
PNR = "19121212-1212"  # the Tax Agency's test personal number


@pytest.fixture
def steering():
    return user_with_role(Role.STEERING_GROUP)


@pytest.fixture
def draft(steering):
    return instrument_draft_create(
        code="2026.1", title_sv="Version 2026", title_en="Version 2026", actor=steering
    )


def _form(version, code):
    return list(
        FormItem.objects.filter(form__version=version, form__code=code)
        .order_by("position")
        .values_list("item__code", flat=True)
    )


def test_a_draft_copies_the_current_version_with_every_item_same(draft, steering):
    v1 = InstrumentVersion.objects.get(code="2015.1")
    assert draft.previous == v1 and not draft.is_published
    assert Item.objects.filter(version=draft).count() == 28
    assert _form(draft, "participant_during") == _form(v1, "participant_during")
    assert set(ItemLineage.objects.filter(version=draft).values_list("change", flat=True)) == {
        "same"
    }
    assert AuditEvent.objects.get(action="instrument.drafted").actor == steering
    with pytest.raises(ValidationError) as exc:  # one draft at a time
        instrument_draft_create(code="2027.1", title_sv="x", title_en="x", actor=steering)
    assert "redan ett utkast (2026.1)" in str(exc.value)
    assert instrument_draft_problems(version=draft) == [
        "Utkastet innehåller inga ändringar mot version 2015.1."
    ]
    with pytest.raises(ValidationError, match="inga ändringar"):
        instrument_version_publish(version=draft, actor=steering)


def test_each_change_writes_its_crosswalk_row_and_split_parts_do_not_pool(draft, steering):
    instrument_item_reword(version=draft, item_code="p1", statement_sv="Stödet hjälper mig.",
                           statement_en="The support helps me.", reason="Kortare",
                           actor=steering)  # fmt: skip
    new = instrument_item_add(version=draft, point_number=1, statement_sv="Jag blir lyssnad på.",
                              statement_en="I am listened to.", form_codes=["participant_during"],
                              reason="Saknad aspekt", actor=steering)  # fmt: skip
    instrument_item_drop(version=draft, item_code="p3", reason="Överlappar p1", actor=steering)
    a, b = instrument_item_split(version=draft, item_code="p5",
                                 parts=[("Del ett", "Part one"), ("Del två", "Part two")],
                                 reason="Dubbelfråga", actor=steering)  # fmt: skip
    assert (new.code, a.code, b.code) == ("p27", "p28", "p29")
    # the split parts take p5's place; the new item comes last; p3 is gone
    assert _form(draft, "participant_during") == ["p1", a.code, b.code, "p8", "p10", "p14",
                                                  "p18", "p27"]  # fmt: skip
    rows = {(r.change, r.old_code, r.new_code, r.reason, r.comparable)
            for r in instrument_version_changes(version=draft)}  # fmt: skip
    assert rows == {
        ("reworded", "p1", "p1", "Kortare", True),
        ("new", "", "p27", "Saknad aspekt", False),
        ("dropped", "p3", "", "Överlappar p1", False),
        ("split", "p5", "p28", "Dubbelfråga", False),
        ("split", "p5", "p29", "Dubbelfråga", False),
    }
    assert instrument_draft_problems(version=draft) == []
    version = instrument_version_publish(version=draft, actor=steering)
    assert version.is_published and version.published_by == steering
    assert len(version.content_sha256) == 64
    event = AuditEvent.objects.get(action="instrument.published", details__version="2026.1")
    assert event.actor == steering and event.details["changes"] == 5
    items = AuditEvent.objects.filter(actor=steering, action__startswith="instrument.item_")
    assert items.count() == 4
    crosswalk = item_crosswalk(version=version)
    assert crosswalk["p1"] == "p1" and crosswalk["p3"] is None and crosswalk["p5"] is None
    keys = {(e.version, e.code): e for e in item_pooling_keys().values()}
    assert keys[("2026.1", "p1")].key == "p1" and keys[("2026.1", "p1")].comparable
    assert not keys[("2026.1", "p28")].comparable and keys[("2026.1", "p28")].key == "p28"
    assert keys[("2026.1", "p2")].comparable


def test_a_published_version_never_changes(draft, steering):
    instrument_item_drop(version=draft, item_code="p3", reason="Överlappar", actor=steering)
    instrument_version_publish(version=draft, actor=steering)
    for write in (
        lambda: instrument_item_drop(version=draft, item_code="p1", reason="x", actor=steering),
        lambda: instrument_item_reword(version=draft, item_code="p1", statement_sv="a",
                                       statement_en="b", reason="x", actor=steering),
        lambda: instrument_draft_discard(version=draft, actor=steering),
    ):  # fmt: skip
        with pytest.raises(ValidationError, match=r"2026\.1 är publicerad"):
            write()
    assert Item.objects.filter(version=draft, code="p1").exists()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (dict(item_code="p1", statement_sv="Ny", statement_en="New", reason=" "), "reason"),
        (dict(item_code="p1", statement_sv="", statement_en="New", reason="r"), "statement_sv"),
        (dict(item_code="p99", statement_sv="a", statement_en="b", reason="r"), "item"),
        (dict(item_code="p1", statement_sv=f"Ring {PNR}", statement_en="b", reason="r"),
         "statement_sv"),
        (dict(item_code="p1", statement_sv="a", statement_en="b", reason=f"Se {PNR}"), "reason"),
    ],
)  # fmt: skip
def test_bad_changes_are_refused_and_nothing_changes(draft, steering, call, field):
    with pytest.raises(ValidationError) as exc:
        instrument_item_reword(version=draft, actor=steering, **call)
    assert field in exc.value.message_dict
    assert set(ItemLineage.objects.filter(version=draft).values_list("change", flat=True)) == {
        "same"
    }


def test_add_and_split_refuse_what_cannot_be_measured(draft, steering):
    with pytest.raises(ValidationError) as exc:  # point 20 is register data
        instrument_item_add(version=draft, point_number=20, statement_sv="a", statement_en="b",
                            form_codes=["participant_exit"], reason="r",
                            actor=steering)  # fmt: skip
    assert "point" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        instrument_item_add(version=draft, point_number=1, statement_sv="a", statement_en="b",
                            form_codes=[], reason="r", actor=steering)  # fmt: skip
    assert "forms" in exc.value.message_dict
    new = instrument_item_add(version=draft, point_number=1, statement_sv="a", statement_en="b",
                              form_codes=["participant_during"], reason="r",
                              actor=steering)  # fmt: skip
    with pytest.raises(ValidationError, match="Bara en fråga från föregående version"):
        instrument_item_split(version=draft, item_code=new.code, parts=[("a", "b"), ("c", "d")],
                              reason="r", actor=steering)  # fmt: skip
    # dropping an item new in the draft leaves no crosswalk row behind
    dropped = instrument_item_drop(version=draft, item_code=new.code, reason="r", actor=steering)
    assert dropped is None
    assert not ItemLineage.objects.filter(version=draft, change="new").exists()


def test_rewording_back_to_the_old_text_is_same_again(draft, steering):
    v1_p1 = Item.objects.get(version__code="2015.1", code="p1")
    instrument_item_reword(version=draft, item_code="p1", statement_sv="Annat",
                           statement_en="Other", reason="Prov", actor=steering)  # fmt: skip
    link = instrument_item_reword(version=draft, item_code="p1", statement_sv=v1_p1.statement_sv,
                                  statement_en=v1_p1.statement_en, reason="Ångrar",
                                  actor=steering)  # fmt: skip
    assert (link.change, link.reason) == ("same", "")


def test_a_discarded_draft_is_gone(draft, steering):
    instrument_draft_discard(version=draft, actor=steering)
    assert not InstrumentVersion.objects.filter(code="2026.1").exists()
    assert Item.objects.filter(version__code="2015.1").count() == 28
