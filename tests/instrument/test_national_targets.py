import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from instrument.models import NationalTarget, Point
from instrument.services import national_target_create
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db


def _point(number):
    return Point.objects.get(version__code="2015.1", number=number)


def test_national_target_is_stored_and_audited():
    target = national_target_create(
        point=_point(1),
        kind="share_at_least",
        category=4,
        percent=Decimal(80),
        valid_from=dt.date(2016, 1, 1),
        actor=None,
    )
    assert target.describe() == "Minst 80\N{NO-BREAK SPACE}% svarar 4 eller högre"
    assert AuditEvent.objects.filter(action="target.national_created").exists()


def test_overlap_and_scale_errors():
    national_target_create(
        point=_point(2),
        kind="mean_at_least",
        mean=Decimal(4),
        valid_from=dt.date(2016, 1, 1),
        actor=None,
    )
    with pytest.raises(ValidationError) as err:
        national_target_create(
            point=_point(2),
            kind="share_at_least",
            category=6,
            percent=Decimal(80),
            valid_from=dt.date(2016, 1, 1),  # same start: a clash, not a revision
            actor=None,
        )
    assert {"category", "valid_from"} <= set(err.value.message_dict)
    assert NationalTarget.objects.filter(point__number=2).count() == 1
