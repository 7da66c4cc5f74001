"""Issue 17: invitations by e-mail against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from pilot.models import Invitation, Participant, Recipient
from pilot.selectors import response_rates
from pilot.services import (
    activity_create,
    invitation_mark_opened,
    invitation_submit,
    invitations_issue,
    invitations_remind,
    schedule_add,
    schedules_run,
)
from tests.pilot.smtp import Mailbox, smtp_server

pytestmark = pytest.mark.django_db
BASE = "http://alfa.localhost:8000"


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    for box in smtp_server():
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = box.port
        settings.NNS_INVITATION_REMINDER_DAYS = 7
        yield box


@pytest.fixture
def in_alfa(alfa):
    with tenant_context(alfa):
        yield alfa


def _activity(name: str):
    return activity_create(
        name=name, form_codes=["participant_during", "participant_exit", "board"], actor=None
    )


def _participant(code: str, activity, email: str = "") -> Participant:
    return Participant.objects.create(
        code=code,
        gender="woman",
        age_band="30-39",
        activity=activity,
        started_on=dt.date(2024, 1, 1),
        email=email,
    )


def _answers(form_code: str) -> dict[str, str]:
    from instrument.models import FormItem
    from instrument.selectors import instrument_version_current

    first = FormItem.objects.filter(
        form__version=instrument_version_current(), form__code=form_code
    ).select_related("item")[0]
    return {first.item.code: "4"}


def _link(body: str) -> str:
    match = re.search(r"http://\S+/q/([\w-]+)/", body)
    assert match, body
    return match.group(1)


def test_emailed_links_arrive_and_status_follows(
    in_alfa, mailbox, django_capture_on_commit_callbacks
):
    activity = _activity("Steget")
    people = [_participant(f"ST-{i}", activity, f"st{i}@example.se") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=activity,
            participants=people,
            by_email=True,
            base_url=BASE,
            actor=None,
        )
    assert len(mailbox.messages) == 3
    for invitation in issued:
        [message] = mailbox.to(invitation.email)
        body = mailbox.body(message)
        assert _link(body) == invitation.token
        assert "Steget" in str(message["Subject"])
        assert "Deltagare – under insatsen" in str(message["Subject"])
        assert invitation.short_code in body
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 3

    first = Invitation.objects.get(pk=issued[0].pk)
    invitation_mark_opened(invitation=first)
    invitation_submit(invitation=first, answers=_answers("participant_during"), actor=None)
    [rate] = response_rates()
    assert (rate.issued, rate.sent, rate.opened, rate.answered, rate.bounced) == (3, 3, 1, 1, 0)


def test_refused_address_is_marked_bounced(in_alfa, mailbox, django_capture_on_commit_callbacks):
    activity = _activity("Steget")
    people = [
        _participant("OK-1", activity, "ok@example.se"),
        _participant("BAD-1", activity, "bounce@example.se"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=activity,
            participants=people,
            by_email=True,
            base_url=BASE,
            actor=None,
        )
    assert [str(m["To"]) for m in mailbox.messages] == ["ok@example.se"]
    bad = Invitation.objects.get(participant__code="BAD-1")
    assert bad.bounced_at is not None and bad.sent_at is None
    [rate] = response_rates()
    assert (rate.sent, rate.bounced) == (1, 1)


def test_reminder_goes_only_to_the_non_respondent(
    in_alfa, mailbox, django_capture_on_commit_callbacks
):
    activity = _activity("Steget")
    answered, silent = (
        _participant("R-1", activity, "answered@example.se"),
        _participant("R-2", activity, "silent@example.se"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        issued = invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=activity,
            participants=[answered, silent],
            by_email=True,
            base_url=BASE,
            actor=None,
        )
    invitation_submit(invitation=issued[0], answers=_answers("participant_during"), actor=None)
    mailbox.messages.clear()
    today = dt.date.today()
    # Not yet: six days after sending.
    assert invitations_remind(today=today + dt.timedelta(days=6), base_url=BASE).sent == 0
    assert invitations_remind(today=today + dt.timedelta(days=7), base_url=BASE).sent == 1
    [reminder] = mailbox.messages
    assert str(reminder["To"]) == "silent@example.se"
    assert str(reminder["Subject"]).strip().startswith("Påminnelse")
    assert _link(mailbox.body(reminder)) == issued[1].token
    # Once only.
    assert invitations_remind(today=today + dt.timedelta(days=30), base_url=BASE).sent == 0


def test_schedule_creates_the_next_occasion_on_its_date(
    in_alfa, mailbox, django_capture_on_commit_callbacks
):
    activity = _activity("Steget")
    _participant("S-1", activity, "s1@example.se")
    _participant("S-2", activity)  # no address: a printed link
    exited = _participant("S-3", activity, "s3@example.se")
    exited.exited_on = dt.date(2024, 2, 1)
    exited.save()
    Recipient.objects.create(name="Styrelseledamot", email="board@example.se", group="board")
    during = schedule_add(
        activity=activity,
        form_code="participant_during",
        occasion="during",
        interval_months=2,
        next_on=dt.date(2025, 3, 31),
        actor=None,
    )
    schedule_add(
        activity=activity,
        form_code="board",
        occasion="half_yearly",
        next_on=dt.date(2025, 6, 1),
        actor=None,
    )
    assert schedules_run(today=dt.date(2025, 3, 30), base_url=BASE) == []
    with django_capture_on_commit_callbacks(execute=True):
        issued = schedules_run(today=dt.date(2025, 3, 31), base_url=BASE)
    assert sorted(i.participant.code for i in issued) == ["S-1", "S-2"]
    assert [str(m["To"]) for m in mailbox.messages] == ["s1@example.se"]
    during.refresh_from_db()
    assert during.next_on == dt.date(2025, 5, 31)
    # The same day again creates nothing more.
    assert schedules_run(today=dt.date(2025, 3, 31), base_url=BASE) == []

    mailbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issued = schedules_run(today=dt.date(2025, 6, 1), base_url=BASE)
    assert sorted(i.form_code for i in issued) == ["board", *["participant_during"] * 2]
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["board@example.se", "s1@example.se"]


def test_participants_of_another_activity_are_refused(in_alfa):
    steget, andra = _activity("Steget"), _activity("Andra")
    mine, theirs = _participant("M-1", steget), _participant("T-1", andra)
    with pytest.raises(ValidationError) as exc:
        invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=steget,
            participants=[mine, theirs],
            actor=None,
        )
    assert exc.value.message_dict["participants"] == ["Deltar inte i insatsen Steget: T-1."]
    assert not Invitation.objects.exists()


def test_email_without_address_is_refused_by_name(in_alfa):
    steget = _activity("Steget")
    people = [_participant("A-1", steget, "a@example.se"), _participant("A-2", steget)]
    with pytest.raises(ValidationError) as exc:
        invitations_issue(
            form_code="participant_during",
            occasion="during",
            activity=steget,
            participants=people,
            by_email=True,
            actor=None,
        )
    assert "A-2" in exc.value.message_dict["participants"][0]
