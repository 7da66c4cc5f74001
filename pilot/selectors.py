"""Reads inside the current association's schema."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q, QuerySet

from pilot.bulk import frame_copy_out
from pilot.local_results import LocalItemResult, LocalTargetResult, local_item_results
from pilot.models import (
    Activity,
    GoodExample,
    Invitation,
    LocalItem,
    LocalTarget,
    MunicipalityYear,
    Participant,
    Recipient,
    Response,
)


def activity_list() -> QuerySet[Activity]:
    return Activity.objects.all()


def activity_names() -> list[str]:
    return list(Activity.objects.values_list("name", flat=True))


def activity_get(*, pk: int) -> Activity | None:
    return Activity.objects.filter(pk=pk).first()


def activity_schedule_list() -> QuerySet[Activity]:
    """Every activity with its schedules."""
    return Activity.objects.prefetch_related("schedules")


def response_list(
    *, form_code: str = "", occasion: str = "", source: str = ""
) -> QuerySet[Response]:
    """Stored questionnaires, newest first; each filter applies when given."""
    qs = Response.objects.select_related("participant", "activity", "instrument_version")
    filters = {"form_code": form_code, "occasion": occasion, "source": source}
    return qs.filter(**{f: v for f, v in filters.items() if v}).order_by("-id")


def participant_list() -> QuerySet[Participant]:
    return Participant.objects.select_related("activity")


def participants_by_code(*, codes: list[str]) -> list[Participant]:
    return list(Participant.objects.filter(code__in=codes))


def participant_get(*, code: str) -> Participant | None:
    return Participant.objects.filter(code=code).first()


def participant_active_list(*, activity: Activity) -> QuerySet[Participant]:
    """The activity's participants who have not exited, by code."""
    return Participant.objects.filter(activity=activity, exited_on__isnull=True).order_by("code")


def participant_count() -> int:
    return Participant.objects.count()


def municipality_year_list() -> QuerySet[MunicipalityYear]:
    return MunicipalityYear.objects.all()


def municipality_year_get(*, pk: int) -> MunicipalityYear | None:
    return MunicipalityYear.objects.filter(pk=pk).first()


def recipient_groups() -> list[str]:
    """The codes of the recipient lists (staff, manager, board, partner management)."""
    return list(Recipient.Group.values)


def recipient_list() -> QuerySet[Recipient]:
    """Everyone on the e-mail lists of the non-participant forms, by group and name."""
    return Recipient.objects.all()


def recipients_for_form(*, form_code: str) -> list[Recipient]:
    """The active e-mail list of the group that answers a non-participant form."""
    from instrument.selectors import form_get, instrument_version_current

    form = form_get(version=instrument_version_current(), code=form_code)
    if form is None or form.respondent not in Recipient.Group.values:
        return []
    return list(Recipient.objects.filter(active=True, group=form.respondent))


def participants_with_email_count() -> int:
    return Participant.objects.exclude(email="").count()


def invitation_list(*, batch: str = "") -> QuerySet[Invitation]:
    """Every invitation (only the batch's when given) with its participant and activity."""
    qs = Invitation.objects.select_related("participant", "activity")
    return qs.filter(batch=batch) if batch else qs


def invitation_preview(*, form_code: str, occasion: str, activity: Activity) -> Invitation:
    """An unsaved invitation to ``form_code`` at ``occasion`` for ``activity``: what the form
    preview shows respondents is built from it (nothing is stored)."""
    return Invitation(form_code=form_code, occasion=occasion, activity=activity)


def local_item_list() -> QuerySet[LocalItem]:
    return LocalItem.objects.prefetch_related("activities")


def local_item_get(*, pk: int) -> LocalItem | None:
    return LocalItem.objects.filter(pk=pk).first()


def local_item_active_list(*, kind: str = "") -> QuerySet[LocalItem]:
    """The active local items (of ``kind`` when given)."""
    qs = LocalItem.objects.filter(active=True)
    return qs.filter(kind=kind) if kind else qs


def local_item_asked_list(*, kinds: Iterable[str], form_code: str, activity_id: int | None
                          ) -> QuerySet[LocalItem]:  # fmt: skip
    """The active local items of ``kinds`` asked on ``form_code`` for the activity: those
    placed on it and those placed on no activity in particular (asked for every activity)."""
    return (
        LocalItem.objects.filter(
            active=True, kind__in=list(kinds), form_codes__contains=[form_code]
        )
        .annotate(n_activities=Count("activities"))
        .filter(Q(n_activities=0) | Q(activities__pk=activity_id))
        .distinct()
        .order_by("code")
    )


def local_target_list() -> QuerySet[LocalTarget]:
    return LocalTarget.objects.select_related("local_item")


def local_target_get(*, pk: int) -> LocalTarget | None:
    return LocalTarget.objects.filter(pk=pk).first()


def good_example_list() -> QuerySet[GoodExample]:
    return GoodExample.objects.select_related("local_item")


@dataclass(frozen=True)
class ResponseRate:
    activity: str
    form_code: str
    occasion: str
    issued: int  # invitations (links and short codes) issued
    answered: int  # of those, submitted
    responses: int  # every stored questionnaire, paper and imports included
    sent: int = 0  # e-mailed (issue 17)
    opened: int = 0  # link opened at least once
    bounced: int = 0  # address refused by the mail server

    @property
    def rate(self) -> float | None:
        return self.answered / self.issued if self.issued else None


def response_rates() -> list[ResponseRate]:
    """Issued vs answered invitations per activity, form and occasion, with all responses."""
    issued = {
        (r["activity__name"], r["form_code"], r["occasion"]): (
            r["n"],
            r["used"],
            r["sent"],
            r["opened"],
            r["bounced"],
        )
        for r in Invitation.objects.values("activity__name", "form_code", "occasion").annotate(
            n=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            opened=Count("id", filter=Q(opened_at__isnull=False) | Q(used_at__isnull=False)),
            bounced=Count("id", filter=Q(bounced_at__isnull=False)),
        )
    }
    stored = {
        (r["activity__name"], r["form_code"], r["occasion"]): r["n"]
        for r in Response.objects.filter(status=Response.Status.SUBMITTED)
        .values("activity__name", "form_code", "occasion")
        .annotate(n=Count("id"))
    }
    keys = sorted(set(issued) | set(stored))
    return [
        ResponseRate(
            *key,
            issued=issued.get(key, (0,) * 5)[0],
            answered=issued.get(key, (0,) * 5)[1],
            responses=stored.get(key, 0),
            sent=issued.get(key, (0,) * 5)[2],
            opened=issued.get(key, (0,) * 5)[3],
            bounced=issued.get(key, (0,) * 5)[4],
        )
        for key in keys
    ]


# --------------------------------------------------------------------------- own answers
# Reads of the current association's own schema as CSV text (COPY): every submitted answer
# with its questionnaire's context, and every participant's register outcome. The national
# layer reads them for an association's own results (national.reports.store) and bench/.

ANSWERS_SQL = """
COPY (
  SELECT r.id, COALESCE(p.code, ''), r.form_code, r.occasion,
         date_trunc('month', r.answered_on)::date, v.code, r.respondent,
         COALESCE(p.gender, ''), COALESCE(p.age_band, ''), i.code, a.value, a.dont_know
  FROM pilot_answer a
  JOIN pilot_response r ON r.id = a.response_id
  JOIN instrument_item i ON i.id = a.item_id
  JOIN instrument_instrumentversion v ON v.id = r.instrument_version_id
  LEFT JOIN pilot_participant p ON p.id = r.participant_id
  WHERE r.status = 'submitted'
) TO STDOUT WITH (FORMAT csv)
"""
ANSWER_COLUMNS = [
    "response",
    "code",
    "form_code",
    "occasion",
    "period",
    "instrument_version",
    "respondent",
    "gender",
    "age_band",
    "item_code",
    "value",
    "dont_know",
]
OUTCOMES_SQL = """
COPY (
  SELECT code, date_trunc('month', exited_on)::date, exit_outcome, subsidised_work, gender,
         age_band
  FROM pilot_participant
) TO STDOUT WITH (FORMAT csv)
"""
OUTCOME_COLUMNS = ["code", "exit_month", "exit_outcome", "subsidised_work", "gender", "age_band"]


def own_answers_frame() -> pd.DataFrame:
    """The current association's submitted core answers, one row per answer, as text columns
    (:data:`ANSWER_COLUMNS`)."""
    return frame_copy_out(sql=ANSWERS_SQL, columns=ANSWER_COLUMNS)


def own_outcomes_frame() -> pd.DataFrame:
    """The current association's participants' register outcomes as text columns
    (:data:`OUTCOME_COLUMNS`)."""
    return frame_copy_out(sql=OUTCOMES_SQL, columns=OUTCOME_COLUMNS)


__all__ = [
    "ANSWERS_SQL",
    "ANSWER_COLUMNS",
    "OUTCOMES_SQL",
    "OUTCOME_COLUMNS",
    "LocalItemResult",
    "LocalTargetResult",
    "ResponseRate",
    "activity_list",
    "activity_names",
    "local_item_results",
    "own_answers_frame",
    "own_outcomes_frame",
    "response_rates",
]
