"""Reads of the association's schema that web/ goes through (issue 12.5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Participant, Recipient
from pilot.selectors import (
    invitation_list,
    municipality_year_get,
    participant_active_list,
    participant_count,
    recipients_for_form,
)
from pilot.services import activity_create, invitations_issue, municipality_year_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        yield alfa


def _activity(name: str):
    return activity_create(name=name, form_codes=["participant_during", "board"], actor=None)


def _participant(code: str, activity, *, exited_on: dt.date | None = None) -> Participant:
    return Participant.objects.create(
        code=code,
        gender="woman",
        age_band="30-39",
        activity=activity,
        started_on=dt.date(2024, 1, 1),
        exited_on=exited_on,
    )


def test_participant_active_list_is_the_activitys_not_exited_by_code(in_alfa):
    team, other = _activity("Samordningsteamet"), _activity("Steget vidare")
    _participant("D-003", team)
    _participant("D-001", team)
    _participant("D-002", team, exited_on=dt.date(2024, 6, 30))
    _participant("D-004", other)

    assert [p.code for p in participant_active_list(activity=team)] == ["D-001", "D-003"]
    assert [p.code for p in participant_active_list(activity=other)] == ["D-004"]
    assert participant_count() == 4


def test_municipality_year_get_finds_the_row_or_none(in_alfa):
    row = municipality_year_upsert(
        municipality="Umeå",
        year=2024,
        sickness_disability_fte=Decimal("120.5"),
        labour_market_fte=Decimal("80.0"),
        financial_assistance_fte=Decimal("40.5"),
        population_20_64=75000,
        actor=None,
    )

    found = municipality_year_get(pk=row.pk)
    assert (found.municipality, found.year, found.population_20_64) == ("Umeå", 2024, 75000)
    assert municipality_year_get(pk=row.pk + 1) is None


def test_invitation_list_of_a_batch_carries_participant_and_activity(
    in_alfa, django_assert_num_queries
):
    team = _activity("Samordningsteamet")
    person = _participant("D-001", team)
    batch = invitations_issue(
        form_code="participant_during",
        occasion="during",
        activity=team,
        participants=[person],
        actor=None,
    )[0].batch
    invitations_issue(form_code="board", occasion="half_yearly", activity=team, count=2, actor=None)

    with django_assert_num_queries(1):
        rows = [(i.participant.code, i.activity.name) for i in invitation_list(batch=batch)]
    assert rows == [("D-001", "Samordningsteamet")]
    assert invitation_list().count() == 3


def test_recipients_for_form_is_the_active_list_of_the_forms_group(in_alfa):
    Recipient.objects.create(name="Ann Ek", email="ann@example.se", group="board")
    Recipient.objects.create(name="Bo Al", email="bo@example.se", group="board", active=False)
    Recipient.objects.create(name="Cai Oz", email="cai@example.se", group="manager")

    assert [r.name for r in recipients_for_form(form_code="board")] == ["Ann Ek"]
    assert recipients_for_form(form_code="participant_during") == []
    assert recipients_for_form(form_code="no_such_form") == []
