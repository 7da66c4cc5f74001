"""Reads inside the current association's schema."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pilot.models import Activity, Invitation, Response


def activity_list() -> QuerySet[Activity]:
    return Activity.objects.all()


def activity_names() -> list[str]:
    return list(Activity.objects.values_list("name", flat=True))


@dataclass(frozen=True)
class ResponseRate:
    activity: str
    form_code: str
    occasion: str
    issued: int  # invitations (links and short codes) issued
    answered: int  # of those, submitted
    responses: int  # every stored questionnaire, paper and imports included

    @property
    def rate(self) -> float | None:
        return self.answered / self.issued if self.issued else None


def response_rates() -> list[ResponseRate]:
    """Issued vs answered invitations per activity, form and occasion, with all responses."""
    issued = {
        (r["activity__name"], r["form_code"], r["occasion"]): (r["n"], r["used"])
        for r in Invitation.objects.values("activity__name", "form_code", "occasion").annotate(
            n=Count("id"), used=Count("id", filter=Q(used_at__isnull=False))
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
            issued=issued.get(key, (0, 0))[0],
            answered=issued.get(key, (0, 0))[1],
            responses=stored.get(key, 0),
        )
        for key in keys
    ]
