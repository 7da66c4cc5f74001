"""Local targets over time (issue 13.2): category sets incl. yes/no, at most, supersede from a
date, edit and end, each audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from pilot.models import LocalTarget
from pilot.services import (
    local_item_create,
    local_target_create,
    local_target_end,
    local_target_update,
)
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        yield alfa


def test_hundred_percent_answer_no_on_a_yes_no_item_is_accepted(in_alfa):
    item = local_item_create(
        code="droger", text_sv="Använder du droger?", kind="yes_no", actor=None
    )
    target = local_target_create(
        local_item=item,
        kind="share_at_least",
        categories=[0],
        percent=Decimal(100),
        valid_from=dt.date(2026, 1, 1),
        actor=None,
    )
    assert target.describe() == f"Minst 100{NBSP}% svarar nej"
    with pytest.raises(ValidationError) as err:
        local_target_create(
            local_item=item,
            kind="share_at_least",
            categories=[2],
            percent=Decimal(100),
            valid_from=dt.date(2027, 1, 1),
            actor=None,
        )
    assert err.value.message_dict["categories"] == [
        "Svarskategorierna ska ligga inom skalan (0–1)."
    ]


def test_category_set_and_at_most_on_a_six_point_scale(in_alfa):
    item = local_item_create(
        code="nojd", text_sv="Jag är nöjd.", kind="likert", scale_points=6, actor=None
    )
    target = local_target_create(
        local_item=item,
        kind="share_at_least",
        categories=[6, 4, 5],
        percent=Decimal(80),
        valid_from=dt.date(2026, 1, 1),
        actor=None,
    )
    assert target.categories == [4, 5, 6]
    assert target.describe() == f"Minst 80{NBSP}% svarar 4, 5 eller 6"
    ceiling = local_target_update(
        target=target, kind="share_at_most", categories=[1, 2], percent=Decimal(10), actor=None
    )
    assert ceiling.describe() == f"Högst 10{NBSP}% svarar 1 eller 2"


def test_a_new_target_from_a_date_ends_the_open_one_and_edits_are_audited(in_alfa):
    item = local_item_create(
        code="nojd", text_sv="Jag är nöjd.", kind="likert", scale_points=6, actor=None
    )
    common = {"local_item": item, "kind": "share_at_least", "categories": [4, 5, 6]}
    old = local_target_create(
        **common, percent=Decimal(70), valid_from=dt.date(2025, 1, 1), actor=None
    )
    new = local_target_create(
        **common, percent=Decimal(80), valid_from=dt.date(2026, 7, 1), actor=None
    )
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 6, 30)
    assert new.valid_to is None
    created = AuditEvent.objects.filter(action="pilot.local_target_created").order_by("pk")
    assert created.last().details["ended"] == [old.pk]
    local_target_end(target=new, valid_to=dt.date(2027, 12, 31), actor=None)
    new.refresh_from_db()
    assert new.valid_to == dt.date(2027, 12, 31)
    updated = AuditEvent.objects.filter(action="pilot.local_target_updated").last()
    assert updated.details["before"]["valid_to"] is None
    assert updated.details["after"]["valid_to"] == "2027-12-31"
    # ending before it starts is refused, nothing changes
    with pytest.raises(ValidationError) as err:
        local_target_end(target=new, valid_to=dt.date(2026, 1, 1), actor=None)
    assert "valid_to" in err.value.message_dict
    new.refresh_from_db()
    assert new.valid_to == dt.date(2027, 12, 31)
    # moving the old one over the new one's period is refused
    with pytest.raises(ValidationError):
        local_target_update(target=old, valid_to=dt.date(2026, 12, 31), actor=None)
    assert LocalTarget.objects.count() == 2
