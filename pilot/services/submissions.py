"""Storing questionnaires: validation of every row first, then one atomic write.

Every path (web questionnaire, API, file import, synthetic data) ends here, so the rules are
the same everywhere: the form exists on the current instrument version, the occasion is one
of the form's, the activity uses the form, every answer is an item of the form with a value on
its scale (or "don't know", stored as missing), participant forms name a participant, and no
field holds a personal identity number. Errors are collected per row and field; nothing is
stored unless every row is valid.

A single API submit is on the hot path (issue 4: p95 under concurrent clients), so a batch
costs two round trips: one read of everything validation needs (several SELECTs sent as one
message, only the rows the batch names, ids reserved), then one INSERT statement for the
participants, responses and answers together, atomic on its own. Batches above
``SMALL_BATCH`` (file imports) are written by COPY in one transaction instead. Nothing is
cached across calls but the published instrument version, which never changes.

The modules behind this face: ``submission_inputs`` (types and codes), ``submission_context``
(the one read), ``submission_checks`` (validation), ``submission_store`` (the write and its
audit row).
"""

from __future__ import annotations

from collections.abc import Sequence

from pilot.models import ImportBatch, Response
from pilot.services.submission_checks import submission_errors_raise, submissions_check
from pilot.services.submission_context import SubmissionContext, context_read
from pilot.services.submission_inputs import (
    DONT_KNOW,
    LOCAL_PREFIX,
    PARTICIPANT_FORMS,
    NewParticipant,
    SubmissionInput,
)
from pilot.services.submission_store import (
    AuditEntry,
    IdempotencyKeyReused,
    StoredResponses,
    responses_write,
)
from tenants.models import User

__all__ = [
    "DONT_KNOW",
    "LOCAL_PREFIX",
    "PARTICIPANT_FORMS",
    "IdempotencyKeyReused",
    "NewParticipant",
    "StoredResponses",
    "SubmissionInput",
    "responses_store",
    "responses_submit",
    "submission_errors_raise",
    "submissions_validate",
]


def submissions_validate(submissions: Sequence[SubmissionInput]) -> SubmissionContext:
    """Check every submission; the returned context carries all row/field errors."""
    ctx = context_read(submissions)
    submissions_check(ctx, submissions)
    return ctx


def responses_store(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    actor: User | None,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
) -> list[Response]:
    """Validate all, then write all: participants, responses and answers, all or nothing.

    With an ``idempotency_key`` (scoped to ``actor``) a repeated call with the same batch
    returns the responses stored the first time; another batch under the same key raises
    ``IdempotencyKeyReused``.
    """
    return responses_submit(
        submissions=submissions,
        source=source,
        actor=actor,
        idempotency_key=idempotency_key,
        import_batch=import_batch,
    ).responses


def responses_submit(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    actor: User | None,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
) -> StoredResponses:
    """``responses_store`` that also tells whether anything new was stored.

    Writes one ``pilot.responses_submitted`` audit row with the stored batch (none for a
    replay). Round trips: one read (everything validation needs, ids reserved) and, for up to
    ``SMALL_BATCH`` questionnaires, one INSERT statement for participants, responses, answers
    and the audit row together; larger batches are copied in one transaction.
    """
    return responses_write(
        submissions=submissions,
        source=source,
        audit=AuditEntry("pilot.responses_submitted", actor),
        idempotency_key=idempotency_key,
        import_batch=import_batch,
    )
