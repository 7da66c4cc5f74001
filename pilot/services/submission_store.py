"""Writing a validated batch: participants, responses, answers and its audit row, atomically.

Up to ``SMALL_BATCH`` questionnaires go by one INSERT statement (the earlier tables as
data-modifying CTEs), atomic on its own and one round trip; larger batches (file imports) by
COPY in one transaction. The audit row is part of the same write either way.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilot.bulk import rows_copy
from pilot.models import (
    Answer,
    IdempotencyRecord,
    ImportBatch,
    Invitation,
    Participant,
    Response,
)
from pilot.services import submission_context
from pilot.services.submission_checks import submission_errors_raise, submissions_check
from pilot.services.submission_inputs import SubmissionInput
from tenants.audit import audit_insert, audit_record_here
from tenants.db import current_association_slug
from tenants.models import User

# Up to this many questionnaires are written by one INSERT statement: atomic on its own and
# one round trip. Larger batches (file imports) go by COPY inside a transaction.
SMALL_BATCH = 100

_RESPONSE_FIELDS = Response._meta.concrete_fields
_RESPONSE_ATTNAMES = [f.attname for f in _RESPONSE_FIELDS]
_ANSWER_COLUMNS = [
    "response_id",
    "item_id",
    "local_item_id",
    "value",
    "dont_know",
    "text",
    "number",
]
_PARTICIPANT_FIELDS = Participant._meta.concrete_fields


def _column_names(fields: Sequence[Any]) -> list[str]:
    return [str(f.column) for f in fields]


class StoredResponses:
    """What a submit stored (or, replayed, found). ``responses`` are model instances with
    their activity, participant and instrument version attached, built on first access: a
    file import only needs ``count``, and building 10⁴ instances cost as much as validating."""

    def __init__(
        self,
        *,
        created: bool,
        responses: list[Response] | None = None,
        build: Callable[[], list[Response]] | None = None,
        count: int | None = None,
    ) -> None:
        self.created = created  # False: a repeated idempotency key returned the first call's
        self._responses = responses
        self._build = build
        self.count = len(responses) if responses is not None else int(count or 0)

    @property
    def responses(self) -> list[Response]:
        if self._responses is None:
            assert self._build is not None
            self._responses, self._build = self._build(), None
        return self._responses


class IdempotencyKeyReused(Exception):
    """The user already sent another request under this ``Idempotency-Key``."""

    def __init__(self) -> None:
        self.message = _(
            "Nyckeln i Idempotency-Key har redan använts för en annan begäran. "
            "Skicka nya uppgifter med en ny nyckel; inget har sparats."
        )
        super().__init__(self.message)


def request_digest(submissions: Sequence[SubmissionInput]) -> str:
    """SHA-256 of what a batch submits, independent of JSON spacing and key order."""
    digest = hashlib.sha256()
    for sub in submissions:
        new = sub.new_participant
        digest.update(
            json.dumps(
                [
                    sub.form_code,
                    sub.occasion,
                    str(sub.activity),
                    sub.answered_on.isoformat(),
                    sorted((str(k), repr(v)) for k, v in sub.answers.items()),
                    sub.participant_code,
                    [new.gender, new.age_band, new.started_on.isoformat()] if new else None,
                    sub.key,
                ],
                ensure_ascii=False,
            ).encode()
        )
        digest.update(b"\n")
    return digest.hexdigest()


def idempotency_scope(key: str, actor: User | None) -> str:
    """The stored form of a key: the same key from two users are two keys."""
    return f"{actor.pk if actor is not None else 0}:{key}"


@dataclass(frozen=True)
class AuditEntry:
    """The audit row a write carries: who, what, and details beside the stored count."""

    action: str
    actor: User | None
    details: Mapping[str, object] = field(default_factory=dict)


def responses_write(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    audit: AuditEntry,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
    invitation: Invitation | None = None,
) -> StoredResponses:
    """Validate all, then write all with one audit row; a replay writes (and audits) nothing.

    An ``idempotency_key`` is scoped to ``audit.actor`` and bound to a hash of the batch:
    the same user, key and batch again returns the first result; the same key with another
    batch raises ``IdempotencyKeyReused`` and stores nothing.

    A concurrent request may store the same key, idempotency key or new participant code
    between our read and our write (nothing of ours is then written): the batch is read
    again, so a replay is returned, a duplicate refused with its row error, and a participant
    registered meanwhile reused.
    """
    scoped = idempotency_scope(idempotency_key, audit.actor) if idempotency_key else None
    args = (submissions, source, audit, scoped, import_batch, invitation)
    try:
        return _store(*args)
    except IntegrityError:
        return _store(*args)


def _store(
    submissions: Sequence[SubmissionInput],
    source: str,
    audit: AuditEntry,
    idempotency_key: str | None,
    import_batch: ImportBatch | None,
    invitation: Invitation | None,
) -> StoredResponses:
    # a link is answered on the version it was issued on
    version_id = invitation.instrument_version_id if invitation is not None else None
    ctx = submission_context.context_read(
        submissions, idempotency_key, reserve=True, version_id=version_id
    )
    digest = request_digest(submissions) if idempotency_key else ""
    if ctx.replayed:
        assert idempotency_key
        if ctx.replayed[0] != digest:
            raise IdempotencyKeyReused()
        return StoredResponses(created=False, responses=_replayed(idempotency_key))
    submissions_check(ctx, submissions)
    submission_errors_raise(ctx)

    alias = connection.alias
    participant_ids = iter(ctx.participant_ids)
    new_participants: dict[str, Participant] = {}
    for sub in submissions:
        code = sub.participant_code
        if code and code not in ctx.participants and code not in new_participants:
            assert sub.new_participant is not None
            new_participants[code] = Participant(
                id=next(participant_ids),
                code=code,
                gender=sub.new_participant.gender,
                age_band=sub.new_participant.age_band,
                started_on=sub.new_participant.started_on,
                activity=ctx.activities[str(sub.activity)],
            )
    participant_rows = [
        tuple(f.get_db_prep_save(f.pre_save(p, True), connection) for f in _PARTICIPANT_FIELDS)
        for p in new_participants.values()
    ]
    for participant in new_participants.values():
        participant._state.adding, participant._state.db = False, alias
        ctx.participants[participant.code] = participant

    now = timezone.now()
    response_rows: list[tuple[object, ...]] = []
    answer_rows: list[tuple[object, ...]] = []
    for row, (sub, response_id) in enumerate(zip(submissions, ctx.response_ids, strict=True)):
        form = ctx.forms[sub.form_code]
        activity = ctx.activities[str(sub.activity)]
        known: Participant | None = ctx.participants.get(sub.participant_code or "")
        values = {
            "id": response_id,
            "key": sub.key or uuid.uuid4().hex,
            "instrument_version_id": ctx.version.pk,
            "form_code": sub.form_code,
            "occasion": sub.occasion,
            "activity_id": activity.pk,
            "participant_id": known.pk if known else None,
            "respondent": form.respondent,
            "answered_on": sub.answered_on,
            "source": source,
            "status": Response.Status.SUBMITTED,
            "invitation_id": invitation.pk if invitation else None,
            "idempotency_key": f"{idempotency_key}#{row}" if idempotency_key else None,
            "import_batch_id": import_batch.pk if import_batch else None,
            "created_at": now,
        }
        response_rows.append(tuple(values[f.attname] for f in _RESPONSE_FIELDS))
        for item, local, value, dont_know, text, number in ctx.parsed[row]:
            answer_rows.append(
                (
                    response_id,
                    item.pk if item else None,
                    local.pk if local else None,
                    value,
                    dont_know,
                    text,
                    number,
                )
            )
    writes: list[tuple[str, Sequence[str], Sequence[Sequence[object]]]] = [
        (Participant._meta.db_table, _column_names(_PARTICIPANT_FIELDS), participant_rows),
        (Response._meta.db_table, _column_names(_RESPONSE_FIELDS), response_rows),
        (Answer._meta.db_table, _ANSWER_COLUMNS, answer_rows),
    ]
    details = {
        "source": source,
        "responses": len(response_rows),
        "new_participants": len(participant_rows),
        **audit.details,
    }
    if response_rows and idempotency_key:
        writes.append(
            (
                IdempotencyRecord._meta.db_table,
                ["scope_key", "request_sha256", "created_at"],
                [(idempotency_key, digest, now)],
            )
        )
    if response_rows and len(submissions) <= SMALL_BATCH:
        # The audit row rides in the same statement: stored together or not at all.
        writes.append(
            audit_insert(
                action=audit.action,
                actor=audit.actor,
                association_slug=current_association_slug(),
                **details,
            )
        )
    if len(submissions) <= SMALL_BATCH and not connection.in_atomic_block:
        _insert_all(writes)  # one statement: atomic on its own
    else:
        # In a caller's transaction this is a savepoint, so a conflict leaves it usable.
        with transaction.atomic():
            if len(submissions) <= SMALL_BATCH:
                _insert_all(writes)
            else:
                for table, columns, rows in writes:
                    rows_copy(table=table, columns=columns, rows=rows)
                audit_record_here(action=audit.action, actor=audit.actor, **details)

    def build() -> list[Response]:
        responses = []
        for sub, response_row in zip(submissions, response_rows, strict=True):
            response = Response.from_db(alias, _RESPONSE_ATTNAMES, response_row)
            response.instrument_version = ctx.version
            response.activity = ctx.activities[str(sub.activity)]
            response.participant = ctx.participants.get(sub.participant_code or "")
            if invitation is not None:
                response.invitation = invitation
            if import_batch is not None:
                response.import_batch = import_batch
            responses.append(response)
        return responses

    return StoredResponses(created=True, build=build, count=len(response_rows))


def _insert_all(writes: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> None:
    """Every table's rows by one multi-row INSERT each, all in one statement (the earlier ones
    as data-modifying CTEs): atomic without a transaction block, and one round trip."""
    parts: list[str] = []
    params: list[Any] = []
    for table, columns, rows in writes:
        if not rows:
            continue
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        cols = ", ".join(f'"{c}"' for c in columns)
        parts.append(f'INSERT INTO "{table}" ({cols}) VALUES ' + ", ".join([one] * len(rows)))
        params.extend(value for row in rows for value in row)
    if not parts:
        return
    *earlier, last = parts
    with_clause = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(earlier))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {with_clause} {last}" if earlier else last, params)


def _replayed(idempotency_key: str) -> list[Response]:
    prefix = f"{idempotency_key}#"
    return [
        r
        for r in Response.objects.filter(idempotency_key__startswith=prefix)
        .select_related("participant", "activity", "instrument_version")
        .order_by("id")
        if (r.idempotency_key or "").removeprefix(prefix).isdigit()
    ]
