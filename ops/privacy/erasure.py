"""Erasure of one participant (GDPR Art. 17), in the association and in unreleased snapshots.

Rule (docs/data-protection.md): everything the association holds about the participant goes in
one transaction — answers, questionnaires, invitations (with their saved drafts) and the
participant row with its code. In national snapshots from which no researcher release has been
built, the pooled rows carrying the participant's keyed pseudonym go too. Snapshots with a
release (building, ready or expired) are left unchanged: the release is a frozen file already
handed out, and its rows must stay the ones the file was built from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from national.models import DatasetRequest, PooledOutcome, PooledResponse, Snapshot
from national.pooling import pseudonym
from pilot.models import Answer, Invitation, Participant, Response
from tenants.audit import audit_record
from tenants.db import current_association_slug
from tenants.models import User

# A snapshot counts as released once a researcher release has been (or is being) built from it.
RELEASED_STATUSES = ("building", "ready", "expired")


@dataclass(frozen=True)
class ErasureResult:
    answers: int
    responses: int
    invitations: int
    pooled_responses: int
    pooled_outcomes: int
    snapshots_changed: tuple[int, ...]
    snapshots_kept: tuple[int, ...]


def released_snapshot_ids() -> set[int]:
    return set(
        DatasetRequest.objects.filter(
            snapshot__isnull=False, status__in=RELEASED_STATUSES
        ).values_list("snapshot_id", flat=True)
    )


def _pooled_erase(*, association_slug: str, code: str) -> tuple[int, int, list[int], list[int]]:
    alias = pseudonym(association_slug=association_slug, participant_code=code)
    released = released_snapshot_ids()
    rows = {"association": association_slug, "pseudonym": alias}
    touched = set(PooledResponse.objects.filter(**rows).values_list("snapshot_id", flat=True))
    touched |= set(PooledOutcome.objects.filter(**rows).values_list("snapshot_id", flat=True))
    changeable = sorted(touched - released)
    kept = sorted(touched & released)
    responses, _ = PooledResponse.objects.filter(snapshot_id__in=changeable, **rows).delete()
    outcomes, _ = PooledOutcome.objects.filter(snapshot_id__in=changeable, **rows).delete()
    return responses, outcomes, changeable, kept


def participant_erase(
    *, actor: User | None, participant: Participant, reason: str = "request"
) -> ErasureResult:
    """Erase every trace of ``participant`` (must run inside its association's schema)."""
    slug = current_association_slug()
    code = participant.code
    with transaction.atomic():
        invitations = Invitation.objects.filter(participant=participant)
        # Questionnaires answered through one of the participant's links belong to them too.
        response_ids = list(
            Response.objects.filter(
                Q(participant=participant) | Q(invitation__participant=participant)
            ).values_list("pk", flat=True)
        )
        answers, _ = Answer.objects.filter(response_id__in=response_ids).delete()
        response_count, _ = Response.objects.filter(pk__in=response_ids).delete()
        invitation_count, _ = invitations.delete()
        participant.delete()
        pooled_responses, pooled_outcomes, changed, kept = _pooled_erase(
            association_slug=slug, code=code
        )
        # The audit row records that an erasure happened, never whom it concerned.
        audit_record(
            action="privacy.participant_erased",
            actor=actor,
            association_slug=slug,
            reason=reason,
            answers=answers,
            responses=response_count,
            invitations=invitation_count,
            pooled_rows=pooled_responses + pooled_outcomes,
            snapshots_changed=[_number(pk) for pk in changed],
            snapshots_kept=[_number(pk) for pk in kept],
        )
    return ErasureResult(
        answers=answers,
        responses=response_count,
        invitations=invitation_count,
        pooled_responses=pooled_responses,
        pooled_outcomes=pooled_outcomes,
        snapshots_changed=tuple(changed),
        snapshots_kept=tuple(kept),
    )


def _number(snapshot_id: int) -> int:
    return int(
        Snapshot.objects.filter(pk=snapshot_id).values_list("number", flat=True).first() or 0
    )


@dataclass(frozen=True)
class ErasurePreview:
    responses: int
    answers: int
    invitations: int
    snapshots_changed: tuple[int, ...]  # snapshot numbers
    snapshots_kept: tuple[int, ...]


def participant_erasure_preview(*, participant: Participant) -> ErasurePreview:
    """What ``participant_erase`` would remove, for the confirm step."""
    slug = current_association_slug()
    responses = Response.objects.filter(
        Q(participant=participant) | Q(invitation__participant=participant)
    ).distinct()
    alias = pseudonym(association_slug=slug, participant_code=participant.code)
    rows = {"association": slug, "pseudonym": alias}
    touched = set(PooledResponse.objects.filter(**rows).values_list("snapshot_id", flat=True))
    touched |= set(PooledOutcome.objects.filter(**rows).values_list("snapshot_id", flat=True))
    released = released_snapshot_ids()
    return ErasurePreview(
        responses=responses.count(),
        answers=Answer.objects.filter(response__in=responses).count(),
        invitations=Invitation.objects.filter(participant=participant).count(),
        snapshots_changed=tuple(_number(pk) for pk in sorted(touched - released)),
        snapshots_kept=tuple(_number(pk) for pk in sorted(touched & released)),
    )
