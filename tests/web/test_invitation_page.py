"""Issue 17: the invitation page scales — activity first, then its participants and forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Invitation, Participant
from pilot.services import activity_create
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_activities(alfa):
    with tenant_context(alfa):
        steget = activity_create(
            name="Steget", form_codes=["participant_during", "board"], actor=None
        )
        andra = activity_create(name="Andra", form_codes=["participant_exit"], actor=None)
        for i in range(3):
            Participant.objects.create(
                code=f"ST-{i}",
                gender="woman",
                age_band="30-39",
                activity=steget,
                started_on=dt.date(2024, 1, 1),
                email=f"st{i}@example.se" if i else "",
            )
        Participant.objects.create(
            code="AN-1",
            gender="man",
            age_band="30-39",
            activity=andra,
            started_on=dt.date(2024, 1, 1),
        )
        Participant.objects.create(
            code="ST-OUT",
            gender="man",
            age_band="30-39",
            activity=steget,
            started_on=dt.date(2024, 1, 1),
            exited_on=dt.date(2024, 6, 1),
        )
    return steget, andra


def test_activity_first_then_its_participants_and_forms(alfa, two_activities):
    steget, _ = two_activities
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    first = visible_text(staff.get("/collect/invitations/new/").content.decode())
    assert "1. Välj insats" in first and "Deltagare" not in first.split("Välj insats")[1]
    page = visible_text(
        staff.get(f"/collect/invitations/new/?activity={steget.pk}").content.decode()
    )
    assert "2. Länkar för Steget" in page
    assert "ST-0 · sedan 2024-01-01 · ingen e-post" in page
    assert "ST-1 · sedan 2024-01-01 · e-post finns" in page
    assert "AN-1" not in page and "ST-OUT" not in page  # another activity; exited
    assert "Aktiva deltagare (3)" in page and "Markera alla aktiva" in page
    assert "Deltagare – under insatsen" in page and "Styrelse – per halvår" in page
    assert "Deltagare – vid avslut" not in page  # a form of the other activity only
    assert "participant_during" not in page and "during" not in page.split("Steget", 1)[1]


def test_staff_emails_links_and_sees_status(
    alfa, two_activities, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    steget, _andra = two_activities
    staff = host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))
    with tenant_context(alfa):
        ids = list(
            Participant.objects.filter(code__in=["ST-1", "ST-2"]).values_list("pk", flat=True)
        )
        other = Participant.objects.get(code="AN-1").pk
    data = {
        "activity": steget.pk,
        "form_code": "participant_during",
        "occasion": "during",
        "participants": ids,
        "delivery": "email",
        "valid_days": 30,
    }
    refused = staff.post("/collect/invitations/new/", {**data, "participants": [*ids, other]})
    assert refused.status_code == 400
    with tenant_context(alfa):
        assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/collect/invitations/new/", data)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["st1@example.se", "st2@example.se"]
    sheet = visible_text(staff.get(response["Location"]).content.decode())
    assert "Skickade med e-post" in sheet
    assert sheet.count("Skickad") >= 3  # heading + two rows
    assert "ST-1" in sheet and "ST-2" in sheet
