"""Retention deletes exactly the participants past their association's period."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from instrument.selectors import instrument_version_current
from ops.privacy.retention import association_retention_apply, retention_apply
from pilot.models import Activity, Answer, Participant, Response
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)  # 24 months back: 2024-06-15


def _participant(
    code: str, *, started: str, exited: str | None = None, answered: str | None = None
):
    activity, _ = Activity.objects.get_or_create(name="Steget")
    p = Participant.objects.create(
        code=code,
        gender="woman",
        age_band="30-39",
        activity=activity,
        started_on=dt.date.fromisoformat(started),
        exited_on=dt.date.fromisoformat(exited) if exited else None,
    )
    if answered:
        Response.objects.create(
            key=f"r-{code}",
            instrument_version=instrument_version_current(),  # type: ignore[misc]
            form_code="participant",
            occasion="start",
            activity=activity,
            participant=p,
            respondent="participant",
            answered_on=dt.date.fromisoformat(answered),
            source="web",
        )
    return p


def test_retention_deletes_exactly_what_is_past_its_date(alfa, beta):
    alfa.retention_months = 24
    alfa.save()
    with tenant_context(alfa):
        # past: exited long ago; started long ago, never exited, no answers; last answer old
        _participant("GAMMAL-1", started="2020-01-01", exited="2024-06-14")
        _participant("GAMMAL-2", started="2024-06-14")
        _participant("GAMMAL-3", started="2021-01-01", answered="2024-06-01")
        # kept: exactly on the boundary; recent answer; recent exit
        _participant("KVAR-1", started="2022-01-01", exited="2024-06-15")
        _participant("KVAR-2", started="2020-01-01", answered="2025-01-10")
        _participant("KVAR-3", started="2020-01-01", exited="2025-12-31")
    with tenant_context(beta):  # default period (36 months): the same dates are kept
        _participant("BETA-1", started="2024-06-14")

    assert association_retention_apply(association=alfa, today=TODAY) == 3
    with tenant_context(alfa):
        assert sorted(Participant.objects.values_list("code", flat=True)) == [
            "KVAR-1",
            "KVAR-2",
            "KVAR-3",
        ]
        assert list(Response.objects.values_list("key", flat=True)) == ["r-KVAR-2"]
        assert not Answer.objects.filter(response__key="r-GAMMAL-3").exists()
    run = AuditEvent.objects.get(action="privacy.retention_applied", association_slug="alfa")
    assert run.details == {"months": 24, "cutoff": "2024-06-15", "erased": 3}
    erasures = AuditEvent.objects.filter(action="privacy.participant_erased")
    assert erasures.count() == 3
    assert {e.details["reason"] for e in erasures} == {"retention"}

    # The daily task over every association: nothing more in alfa, beta's default keeps BETA-1.
    assert retention_apply(today=TODAY) == {"alfa": 0, "beta": 0}
    with tenant_context(beta):
        assert Participant.objects.filter(code="BETA-1").exists()
    assert retention_apply(today=dt.date(2027, 6, 15)) == {"alfa": 2, "beta": 1}
