"""Recipient lists and participants' addresses (issue 17, point 2), the invitation page
sending a board survey to its list, and the demo's mailbox page (in-memory backend here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from pilot.models import Invitation, Participant, Recipient
from pilot.services import activity_create
from tenants.models import AuditEvent
from tenants.roles import Role
from tests.conftest import host_client
from tests.factories import user_with_role
from tests.web.test_no_raw_codes import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(alfa):
    return host_client("alfa.localhost", user_with_role(Role.ASSOCIATION_STAFF, alfa))


@pytest.fixture
def activity(alfa):
    with tenant_context(alfa):
        activity = activity_create(
            name="Brygga", form_codes=["participant_during", "board"], actor=None
        )
        for code in ("BR-1", "BR-2"):
            Participant.objects.create(
                code=code,
                gender="woman",
                age_band="30-39",
                activity=activity,
                started_on=dt.date(2024, 1, 1),
            )
        return activity


def test_staff_keep_the_board_list_and_participant_addresses(staff, alfa, activity):
    empty = visible_text(staff.get("/collect/recipients/").content.decode())
    assert "Mottagare av enkäter med e-post" in empty
    assert "Inga mottagare ännu." in empty and "0 deltagare har en e-postadress." in empty
    bad = staff.post(
        "/collect/recipients/",
        {"group": "board", "lines": "Anna Berg; anna@\nBo Ek; bo.ek@kommun.se\nx; nej"},
    )
    text = visible_text(bad.content.decode())
    assert bad.status_code == 400
    assert "Rad 1: anna@ är ingen e-postadress." in text
    assert "Rad 3: nej är ingen e-postadress." in text
    with tenant_context(alfa):
        assert not Recipient.objects.exists()
    saved = staff.post(
        "/collect/recipients/",
        {"group": "board", "lines": "Anna Berg; Anna@Kommun.se\nBo Ek <bo.ek@kommun.se>"},
        follow=True,
    )
    text = visible_text(saved.content.decode())
    assert "Listan är sparad (2 nya mottagare)." in text
    assert "Styrelse Anna Berg anna@kommun.se" in text and "Styrelse Bo Ek bo.ek@kommun.se" in text

    wrong = staff.post(
        "/collect/recipients/",
        {"kind": "participants", "p-lines": "BR-1; br1@example.se\nXX; a@b.se"},
    )
    assert "Rad 2: deltagaren XX finns inte." in visible_text(wrong.content.decode())
    ok = staff.post(
        "/collect/recipients/",
        {"kind": "participants", "p-lines": "BR-1; br1@example.se\nBR-2, br2@example.se"},
        follow=True,
    )
    text = visible_text(ok.content.decode())
    assert "E-postadresserna är sparade (2 ändrade)." in text
    assert "2 deltagare har en e-postadress." in text
    with tenant_context(alfa):
        assert Participant.objects.get(code="BR-2").email == "br2@example.se"
        bo = Recipient.objects.get(email="bo.ek@kommun.se")
        events = list(AuditEvent.objects.values_list("action", flat=True))
        assert "pilot.recipients_added" in events and "pilot.participant_emails_set" in events
    removed = staff.post("/collect/recipients/", {"remove": bo.pk}, follow=True)
    assert "bo.ek@kommun.se är borttagen från listan." in visible_text(removed.content.decode())


def test_board_survey_by_email_goes_to_the_list_and_shows_in_the_mailbox(
    staff, alfa, beta, activity, django_capture_on_commit_callbacks, mailoutbox
):
    page = f"/collect/invitations/new/?activity={activity.pk}"
    post = {
        "activity": activity.pk,
        "form_code": "board",
        "occasion": "half_yearly",
        "delivery": "email",
        "valid_days": 30,
    }
    none = staff.post(page, post)
    assert none.status_code == 400
    assert "Det finns ingen att skicka till. Lägg till mottagare på sidan Mottagare av e-post." in (
        visible_text(none.content.decode())
    )
    staff.post("/collect/recipients/", {"group": "board", "lines": "Anna Berg; anna@kommun.se"})
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff.post(page, post, follow=True)
    assert "1 enkätlänkar skickas med e-post." in visible_text(sent.content.decode())
    assert [m.to for m in mailoutbox] == [["anna@kommun.se"]]
    with tenant_context(alfa):
        invitation = Invitation.objects.get(form_code="board")
        assert invitation.recipient is not None and invitation.sent_at is not None
    mailbox = visible_text(staff.get("/collect/mailbox/").content.decode())
    assert "Skickad e-post (demo)" in mailbox
    assert "Enkät: Styrelse – per halvår – Brygga Till: anna@kommun.se" in mailbox
    assert "Samordningsförbundet Alfa ber dig svara på en kort enkät om insatsen Brygga." in mailbox
    assert f"/q/{invitation.token}/" in mailbox
    assert "/collect/mailbox/" in staff.get("/collect/").content.decode()
    # Another association's mailbox does not show Alfa's messages.
    beta_staff = host_client("beta.localhost", user_with_role(Role.ASSOCIATION_STAFF, beta))
    other = visible_text(beta_staff.get("/collect/mailbox/").content.decode())
    assert "Inga meddelanden ännu." in other and "anna@kommun.se" not in other


def test_no_mailbox_where_a_real_mail_server_is_used(staff, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert staff.get("/collect/mailbox/").status_code == 404
    assert "/collect/mailbox/" not in staff.get("/collect/").content.decode()
