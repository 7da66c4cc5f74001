"""Association configuration: activities with forms, schedules, local items and local targets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_tenants.utils import tenant_context

from pilot.models import Activity, LocalItem, LocalTarget
from pilot.services import (
    activity_create,
    local_item_create,
    local_target_create,
    schedule_add,
)

pytestmark = pytest.mark.django_db

ROBERTSFORS_LABELS = [
    {"value": v, "sv": sv, "en": en}
    for v, sv, en in [
        (1, "Stämmer inte alls", "Not at all true"),
        (2, "Stämmer dåligt", "Hardly true"),
        (3, "Stämmer ganska dåligt", "Rather untrue"),
        (4, "Stämmer ganska bra", "Rather true"),
        (5, "Stämmer bra", "True"),
        (6, "Stämmer helt", "Completely true"),
    ]
]


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        yield alfa


def test_activity_with_forms_and_periodic_schedule(in_alfa):
    activity = activity_create(
        name="Samordningsteamet", form_codes=["participant_during", "staff_participant"], actor=None
    )
    schedule = schedule_add(
        activity=activity,
        form_code="staff_participant",
        occasion="periodic",
        interval_months=2,
        actor=None,
    )
    assert schedule.interval_months == 2
    with pytest.raises(ValidationError) as err:
        schedule_add(activity=activity, form_code="board", occasion="half_yearly", actor=None)
    assert "form_code" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        schedule_add(activity=activity, form_code="participant_during", occasion="exit", actor=None)
    assert "occasion" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        schedule_add(
            activity=activity, form_code="staff_participant", occasion="periodic", actor=None
        )
    assert "interval_months" in err.value.message_dict


def test_unknown_form_is_refused(in_alfa):
    with pytest.raises(ValidationError) as err:
        activity_create(name="X", form_codes=["participant_during", "nope"], actor=None)
    assert "nope" in str(err.value.message_dict["form_codes"])
    assert not Activity.objects.filter(name="X").exists()


def test_six_point_local_item_with_labels(in_alfa):
    item = local_item_create(
        code="trivsel",
        text_sv="Jag trivs i verksamheten.",
        kind="likert",
        scale_points=6,
        scale_labels=ROBERTSFORS_LABELS,
        actor=None,
    )
    assert item.is_local and item.scale_points == 6


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "likert", "scale_points": 1}, "scale_points"),
        ({"kind": "likert", "scale_points": 12}, "scale_points"),
        (
            {"kind": "likert", "scale_points": 6, "scale_labels": ROBERTSFORS_LABELS[:5]},
            "scale_labels",
        ),
        ({"kind": "yes_no", "scale_points": 5}, "scale_points"),
        ({"kind": "number", "number_min": Decimal(5), "number_max": Decimal(1)}, "number_max"),
    ],
)
def test_invalid_local_items_are_refused(in_alfa, kwargs, field):
    with pytest.raises(ValidationError) as err:
        local_item_create(code="fel", text_sv="Fel", **kwargs, actor=None)
    assert field in err.value.message_dict
    assert not LocalItem.objects.filter(code="fel").exists()


def test_local_80_percent_target_on_local_item_and_on_point(in_alfa):
    item = local_item_create(
        code="trivsel", text_sv="Jag trivs.", kind="likert", scale_points=6, actor=None
    )
    target = local_target_create(
        local_item=item,
        kind="share_at_least",
        category=4,
        percent=Decimal(80),
        valid_from=dt.date(2018, 1, 1),
        actor=None,
    )
    assert target.describe() == "Minst 80\N{NO-BREAK SPACE}% svarar 4 eller högre"
    activity_create(name="Med deltagarformulär", form_codes=["participant_during"], actor=None)
    on_point = local_target_create(
        point_number=1,
        kind="share_at_least",
        category=4,
        percent=Decimal(75),
        valid_from=dt.date(2018, 1, 1),
        actor=None,
    )
    assert on_point.point_number == 1


def test_target_on_point_no_form_collects_is_refused(in_alfa):
    activity_create(name="Bara deltagare", form_codes=["participant_during"], actor=None)
    with pytest.raises(ValidationError) as err:  # point 24 is on the board form only
        local_target_create(
            point_number=24,
            kind="share_at_least",
            category=4,
            percent=Decimal(80),
            valid_from=dt.date(2018, 1, 1),
            actor=None,
        )
    assert "point_number" in err.value.message_dict


def test_overlapping_validity_is_refused_but_consecutive_periods_are_kept(in_alfa):
    item = local_item_create(
        code="nojd", text_sv="Jag är nöjd.", kind="likert", scale_points=6, actor=None
    )
    common = {"local_item": item, "kind": "share_at_least", "category": 5}
    local_target_create(
        **common,
        percent=Decimal(70),
        valid_from=dt.date(2017, 1, 1),
        valid_to=dt.date(2017, 12, 31),
        actor=None,
    )
    local_target_create(**common, percent=Decimal(80), valid_from=dt.date(2018, 1, 1), actor=None)
    with pytest.raises(ValidationError) as err:  # inside the closed 2017 target
        local_target_create(
            **common,
            percent=Decimal(90),
            valid_from=dt.date(2017, 6, 1),
            valid_to=dt.date(2017, 8, 1),
            actor=None,
        )
    assert "valid_from" in err.value.message_dict
    assert LocalTarget.objects.filter(local_item=item).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "share_at_least", "category": 7, "percent": Decimal(80)}, "category"),
        ({"kind": "share_at_least", "category": 4, "percent": Decimal(120)}, "percent"),
        ({"kind": "mean_at_least", "mean": Decimal(9)}, "mean"),
        ({"kind": "good_example"}, "kind"),
    ],
)
def test_rules_outside_the_scale_are_refused(in_alfa, kwargs, field):
    item = local_item_create(
        code="skala6", text_sv="Sex steg.", kind="likert", scale_points=6, actor=None
    )
    with pytest.raises(ValidationError) as err:
        local_target_create(local_item=item, valid_from=dt.date(2018, 1, 1), **kwargs, actor=None)
    assert field in err.value.message_dict


def test_good_example_and_register_targets(in_alfa):
    story = local_item_create(
        code="gott-exempel", text_sv="Beskriv ett gott exempel.", kind="good_example", actor=None
    )
    assert (
        local_target_create(
            local_item=story, kind="good_example", valid_from=dt.date(2018, 1, 1), actor=None
        ).kind
        == "good_example"
    )
    work = local_target_create(
        point_number=20,
        kind="register_share",
        percent=Decimal(30),
        outcomes=["work", "studies"],
        valid_from=dt.date(2018, 1, 1),
        actor=None,
    )
    # Outcomes by their labels, in the active language, never as codes.
    assert work.describe() == "Minst 30\N{NO-BREAK SPACE}% av avslut till arbete, studier"
    with translation.override("en"):
        assert work.describe() == "At least 30% of exits to work, studies"
    with pytest.raises(ValidationError):
        local_target_create(
            point_number=20,
            kind="share_at_least",
            category=4,
            percent=Decimal(80),
            valid_from=dt.date(2019, 1, 1),
            actor=None,
        )
