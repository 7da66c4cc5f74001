"""The one read a submitted batch needs: everything validation refers to, in one round trip.

Only the rows the batch names are read (activities, local items, participants, their stored
responses, taken keys, the idempotency key), and with ``reserve`` ids for the rows to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from instrument.models import Form, InstrumentVersion, Item
from instrument.selectors import form_catalogue
from pilot.models import Activity, IdempotencyRecord, LocalItem, Participant, Response
from pilot.services.submission_inputs import LOCAL_PREFIX, SubmissionInput

ParsedAnswer = tuple[Item | None, LocalItem | None, int | None, bool, str, Decimal | None]


@dataclass
class SubmissionContext:
    """Everything validation needs, read in one round trip per batch."""

    version: InstrumentVersion
    forms: dict[str, Form]
    form_items: dict[str, dict[str, Item]]
    activities: dict[str, Activity]
    participants: dict[str, Participant]
    local_items: dict[str, LocalItem]
    # (participant code, form, occasion, date) already stored for the batch's participants.
    seen: set[tuple[str | None, str, str, dt.date]] = field(default_factory=set)
    taken_keys: set[str] = field(default_factory=set)
    # The request hash stored under the batch's (user-scoped) idempotency key, if any.
    replayed: list[str] = field(default_factory=list)
    # Local item code -> the activities it is asked in (absent or empty: every activity).
    local_activities: dict[str, set[int]] = field(default_factory=dict)
    # Ids taken from the sequences for the rows about to be written.
    response_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    parsed: dict[int, list[ParsedAnswer]] = field(default_factory=dict)

    def add(self, row: int | None, name: str, message: str) -> None:
        key = name if row is None else f"{row}.{name}"
        self.errors.setdefault(key, []).append(message)


def _columns(model: type[Model], attnames: Sequence[str]) -> tuple[str, list[str]]:
    """Quoted columns and attnames of ``model``'s fields named in ``attnames``, in the order
    ``Model.from_db`` expects (the fields not named are deferred)."""
    fields = [f for f in model._meta.concrete_fields if f.attname in attnames]
    return ", ".join(f'"{f.column}"' for f in fields), [f.attname for f in fields]


_ACTIVITY_COLUMNS = _columns(Activity, ["id", "name", "form_codes"])
_PARTICIPANT_COLUMNS = _columns(Participant, ["id", "code"])
_LOCAL_ITEM_COLUMNS = _columns(
    LocalItem,
    ["id", "code", "kind", "scale_points", "number_min", "number_max", "form_codes", "active"],
)


_THROUGH = LocalItem.activities.through._meta.db_table


def _fetch_sets(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """Run several SELECTs in one round trip and return each one's rows.

    Django's psycopg cursor binds parameters client-side, so the statements go to the server
    as one simple-protocol message and come back as one result set each. With server-side
    binding configured they simply run one after another.
    """
    sql = ";\n".join(s for s, _ in statements)
    params = [p for _, ps in statements for p in ps]
    with connection.cursor() as cursor:
        if not isinstance(cursor.cursor, psycopg.ClientCursor):
            out = []
            for one, ps in statements:
                cursor.execute(one, ps)
                out.append(cursor.fetchall())
            return out
        cursor.execute(sql, params)
        out = [cursor.fetchall()]
        while cursor.nextset():
            out.append(cursor.fetchall())
        return out


@lru_cache(maxsize=8)
def _published_version(version_id: int, published_at: dt.datetime) -> InstrumentVersion:
    """A published version never changes (``instrument_version_publish``): load it once."""
    return InstrumentVersion.objects.get(pk=version_id, published_at=published_at)


def context_read(
    submissions: Sequence[SubmissionInput],
    idempotency_key: str | None = None,
    *,
    reserve: bool = False,
    version_id: int | None = None,
) -> SubmissionContext:
    """Read everything the batch refers to, and only that, in one round trip: the current
    instrument version, the activities, local items and participants it names, the responses
    already stored for those participants, the keys already taken, the idempotency key and,
    with ``reserve``, ids for the rows to write (a refused batch leaves a harmless gap)."""
    refs = sorted({str(s.activity) for s in submissions})
    ids = [int(r) for r in refs if r.isascii() and r.isdigit() and len(r) < 19]
    local_codes = sorted(
        {
            code.removeprefix(LOCAL_PREFIX)
            for s in submissions
            for code in s.answers
            if code.startswith(LOCAL_PREFIX)
        }
    )
    codes = sorted({s.participant_code for s in submissions if s.participant_code})
    keys = sorted({s.key for s in submissions if s.key})
    statements: list[tuple[str, Sequence[Any]]] = [
        (
            f'SELECT "id", "published_at" FROM "{InstrumentVersion._meta.db_table}" '
            'WHERE "status" = %s AND (%s::bigint IS NULL OR "id" = %s) '
            'ORDER BY "published_at" DESC LIMIT 1',
            [InstrumentVersion.Status.PUBLISHED, version_id, version_id],
        ),
        (
            f'SELECT {_ACTIVITY_COLUMNS[0]} FROM "{Activity._meta.db_table}" '
            'WHERE "name" = ANY(%s::text[]) OR "id" = ANY(%s::bigint[]) ORDER BY "name"',
            [refs, ids],
        ),
    ]
    if local_codes:
        statements.append(
            (
                f'SELECT {_LOCAL_ITEM_COLUMNS[0]} FROM "{LocalItem._meta.db_table}" '
                'WHERE "active" AND "code" = ANY(%s::text[])',
                [local_codes],
            )
        )
        statements.append(
            (
                f'SELECT li."code", la."activity_id" FROM "{_THROUGH}" la '
                f'JOIN "{LocalItem._meta.db_table}" li ON li."id" = la."localitem_id" '
                'WHERE li."active" AND li."code" = ANY(%s::text[])',
                [local_codes],
            )
        )
    if codes:
        statements.append(
            (
                f'SELECT {_PARTICIPANT_COLUMNS[0]} FROM "{Participant._meta.db_table}" '
                'WHERE "code" = ANY(%s::text[])',
                [codes],
            )
        )
        statements.append(
            (
                'SELECT p."code", r."form_code", r."occasion", r."answered_on" '
                f'FROM "{Response._meta.db_table}" r JOIN "{Participant._meta.db_table}" p '
                'ON p."id" = r."participant_id" WHERE p."code" = ANY(%s::text[])',
                [codes],
            )
        )
    if keys:
        statements.append(
            (
                f'SELECT "key" FROM "{Response._meta.db_table}" WHERE "key" = ANY(%s::text[])',
                [keys],
            )
        )
    if idempotency_key:
        # ``idempotency_key`` is already scoped to the user: one probe of the unique index.
        statements.append(
            (
                f'SELECT "request_sha256" FROM "{IdempotencyRecord._meta.db_table}" '
                'WHERE "scope_key" = %s',
                [idempotency_key],
            )
        )
    new_codes = {
        s.participant_code for s in submissions if s.participant_code and s.new_participant
    }
    reserved = {
        Response._meta.db_table: len(submissions) if reserve else 0,
        Participant._meta.db_table: len(new_codes) if reserve else 0,
    }
    for table, count in reserved.items():
        if count:
            statements.append(
                (
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                    "FROM generate_series(1, %s) ORDER BY 1",
                    [table, count],
                )
            )
    results = iter(_fetch_sets(statements))
    version_rows = next(results)
    if not version_rows:
        raise ValidationError(_("Inget publicerat nationellt instrument finns."))
    version = _published_version(*version_rows[0])
    catalogue = form_catalogue(version=version)
    activities: dict[str, Activity] = {}
    for row in next(results):
        activity = Activity.from_db(connection.alias, _ACTIVITY_COLUMNS[1], row)
        activities[activity.name] = activity
        activities[str(activity.pk)] = activity
    local_items: dict[str, LocalItem] = {}
    local_placed: list[tuple[Any, ...]] = []
    if local_codes:
        for row in next(results):
            local = LocalItem.from_db(connection.alias, _LOCAL_ITEM_COLUMNS[1], row)
            local_items[local.code] = local
        local_placed = list(next(results))
    ctx = SubmissionContext(version, catalogue.forms, catalogue.items, activities, {}, local_items)
    for code, activity_id in local_placed:
        ctx.local_activities.setdefault(str(code), set()).add(int(activity_id))
    if codes:
        for row in next(results):
            participant = Participant.from_db(connection.alias, _PARTICIPANT_COLUMNS[1], row)
            ctx.participants[participant.code] = participant
        ctx.seen = {(c, f, o, d) for c, f, o, d in next(results)}
    if keys:
        ctx.taken_keys = {row[0] for row in next(results)}
    if idempotency_key:
        ctx.replayed = [row[0] for row in next(results)]
    taken = {t: [row[0] for row in next(results)] if n else [] for t, n in reserved.items()}
    ctx.response_ids = taken[Response._meta.db_table]
    ctx.participant_ids = taken[Participant._meta.db_table]
    return ctx
