"""Schedules create their occasion's invitations by themselves on the due date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from instrument.models import Form
from instrument.selectors import instrument_version_current
from pilot.models import Invitation, OccasionSchedule, Participant, Recipient
from pilot.services.invitations import invitations_issue
from tenants.audit import audit_record_here
from tenants.models import User
from vocabulary import PARTICIPANT_FORMS

HALF_YEAR_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def schedule_interval(schedule: OccasionSchedule) -> int:
    return schedule.interval_months or HALF_YEAR_MONTHS


@transaction.atomic
def schedules_run(
    *, today: dt.date, base_url: str | None = None, actor: User | None = None
) -> list[Invitation]:
    """Issue the invitations of every schedule due on or before ``today`` and move it on.

    Participant forms go to the activity's active participants (e-mailed when an address is
    on record, printed from the batch page otherwise); the other forms by e-mail to the
    active recipients of the form's group. A schedule missed for several periods catches up
    once, not once per period."""
    version = instrument_version_current()
    issued: list[Invitation] = []
    due = OccasionSchedule.objects.select_related("activity").filter(next_on__lte=today)
    for schedule in due.select_for_update(of=("self",)):
        activity = schedule.activity
        if schedule.form_code in PARTICIPANT_FORMS:
            active = list(
                Participant.objects.filter(activity=activity, exited_on__isnull=True)
                if schedule.occasion != "exit"
                else Participant.objects.none()
            )
            with_email = [p for p in active if p.email]
            without = [p for p in active if not p.email]
            # Staff rate participants on paper; participants with an address get e-mail.
            groups = (
                [(with_email, True), (without, False)]
                if schedule.form_code != "staff_participant"
                else [(active, False)]
            )
            for group, by_email in groups:
                if group:
                    issued += invitations_issue(
                        form_code=schedule.form_code,
                        occasion=schedule.occasion,
                        activity=activity,
                        participants=group,
                        by_email=by_email,
                        base_url=base_url,
                        schedule=schedule,
                        actor=actor,
                    )
        else:
            form = Form.objects.filter(version=version, code=schedule.form_code).first()
            recipients = list(
                Recipient.objects.filter(active=True, group=form.respondent if form else "")
            )
            if recipients:
                issued += invitations_issue(
                    form_code=schedule.form_code,
                    occasion=schedule.occasion,
                    activity=activity,
                    recipients=recipients,
                    base_url=base_url,
                    schedule=schedule,
                    actor=actor,
                )
        step = schedule_interval(schedule)
        next_on = schedule.next_on or today
        while next_on <= today:
            next_on = add_months(next_on, step)
        schedule.next_on = next_on
        schedule.save(update_fields=["next_on"])
    audit_record_here(
        action="pilot.schedules_run", actor=actor, today=today.isoformat(), issued=len(issued)
    )
    return issued
