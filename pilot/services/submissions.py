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
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from instrument.models import Form, InstrumentVersion, Item
from instrument.selectors import form_catalogue
from pilot.bulk import rows_copy
from pilot.models import (
    Activity,
    AgeBand,
    Answer,
    Gender,
    ImportBatch,
    Invitation,
    LocalItem,
    Participant,
    Response,
)
from tenants.validators import looks_like_personal_number

DONT_KNOW = "dont_know"
LOCAL_PREFIX = "local:"
# Forms answered about (or by) one participant.
PARTICIPANT_FORMS = frozenset({"participant_during", "participant_exit", "staff_participant"})
# TextChoices.values builds a new list on every access: once per row was a third of a bulk
# import's validation.
_GENDERS = frozenset(Gender.values)
_AGE_BANDS = frozenset(AgeBand.values)


@dataclass(frozen=True)
class NewParticipant:
    gender: str
    age_band: str
    started_on: dt.date


@dataclass(frozen=True)
class SubmissionInput:
    form_code: str
    occasion: str
    activity: str  # activity name (imports) or id as text (API)
    answered_on: dt.date
    answers: Mapping[str, object]
    participant_code: str | None = None
    new_participant: NewParticipant | None = None
    key: str | None = None


_ParsedAnswer = tuple[Item | None, LocalItem | None, int | None, bool, str, Decimal | None]


@dataclass
class _Context:
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
    # Ids of the responses stored the first time under the batch's idempotency key.
    replayed: list[int] = field(default_factory=list)
    # Ids taken from the sequences for the rows about to be written.
    response_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    parsed: dict[int, list[_ParsedAnswer]] = field(default_factory=dict)

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


def _context(
    submissions: Sequence[SubmissionInput],
    idempotency_key: str | None = None,
    *,
    reserve: bool = False,
) -> _Context:
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
            'WHERE "status" = %s ORDER BY "published_at" DESC LIMIT 1',
            [InstrumentVersion.Status.PUBLISHED],
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
        # Every batch stored under a key has its row 0: one probe of the unique index.
        statements.append(
            (
                f'SELECT "id" FROM "{Response._meta.db_table}" WHERE "idempotency_key" = %s',
                [f"{idempotency_key}#0"],
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
    if local_codes:
        for row in next(results):
            local = LocalItem.from_db(connection.alias, _LOCAL_ITEM_COLUMNS[1], row)
            local_items[local.code] = local
    ctx = _Context(version, catalogue.forms, catalogue.items, activities, {}, local_items)
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


def _answer_rows(ctx: _Context, row: int, sub: SubmissionInput, form: Form) -> list[_ParsedAnswer]:
    """Validate one submission's answers; return (item, local item, value, dont_know, text,
    number) tuples."""
    out: list[_ParsedAnswer] = []
    items = ctx.form_items[form.code]
    lo, hi = ctx.version.scale_min, ctx.version.scale_max
    for code, raw in sub.answers.items():
        name = f"answers.{code}"
        if isinstance(raw, str) and looks_like_personal_number(raw):
            ctx.add(row, name, _("Personnummer får inte registreras."))
            continue
        if code.startswith(LOCAL_PREFIX):
            local = ctx.local_items.get(code.removeprefix(LOCAL_PREFIX))
            if local is None or (local.form_codes and form.code not in local.form_codes):
                ctx.add(row, name, _("Okänd fråga för detta formulär."))
                continue
            parsed = _local_value(local, raw)
            if isinstance(parsed, str):
                ctx.add(row, name, parsed)
            elif parsed is not None:
                out.append((None, local, *parsed))
            continue
        item = items.get(code)
        if item is None:
            ctx.add(
                row,
                name,
                _("Frågan %(code)s finns inte i formuläret %(form)s.")
                % {"code": code, "form": form.code},
            )
            continue
        if raw is None or raw == "":
            continue  # skipped item: simply no answer row
        if raw == DONT_KNOW:
            out.append((item, None, None, True, "", None))
            continue
        try:
            value = int(str(raw))
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi or str(raw).strip() not in {str(value)}:
            ctx.add(
                row,
                name,
                _("Värdet %(value)s ligger utanför skalan %(lo)s–%(hi)s.")
                % {"value": raw, "lo": lo, "hi": hi},
            )
            continue
        out.append((item, None, value, False, "", None))
    return out


def _local_value(
    local: LocalItem, raw: object
) -> tuple[int | None, bool, str, Decimal | None] | str | None:
    """(value, dont_know, text, number) for a local item, an error message, or None if empty."""
    if raw is None or raw == "":
        return None
    if raw == DONT_KNOW:
        return (None, True, "", None)
    if local.kind == LocalItem.Kind.GOOD_EXAMPLE:
        return (None, False, str(raw), None)
    if local.kind == LocalItem.Kind.NUMBER:
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return _("Ange ett tal.")
        if (local.number_min is not None and number < local.number_min) or (
            local.number_max is not None and number > local.number_max
        ):
            return _("Talet ligger utanför tillåtet intervall.")
        return (None, False, "", number)
    top = 1 if local.kind == LocalItem.Kind.YES_NO else (local.scale_points or 0)
    bottom = 0 if local.kind == LocalItem.Kind.YES_NO else 1
    try:
        value = int(str(raw))
    except ValueError:
        return _("Ogiltigt svar.")
    if not bottom <= value <= top:
        return _("Värdet ligger utanför skalan %(lo)s–%(hi)s.") % {"lo": bottom, "hi": top}
    return (value, False, "", None)


def submissions_validate(submissions: Sequence[SubmissionInput]) -> _Context:
    """Check every submission; the returned context carries all row/field errors."""
    ctx = _context(submissions)
    _validate(ctx, submissions)
    return ctx


def _validate(ctx: _Context, submissions: Sequence[SubmissionInput]) -> None:
    today = timezone.localdate()
    seen = set(ctx.seen)
    taken_keys = set(ctx.taken_keys)
    for row, sub in enumerate(submissions):
        form = ctx.forms.get(sub.form_code)
        if form is None:
            ctx.add(row, "form_code", _("Okänt formulär: %s") % sub.form_code)
            continue
        if sub.occasion not in form.occasions:
            ctx.add(
                row, "occasion", _("Formuläret används inte vid mättillfället %s.") % sub.occasion
            )
        activity = ctx.activities.get(str(sub.activity))
        if activity is None:
            ctx.add(row, "activity", _("Okänd insats: %s") % sub.activity)
        elif form.code not in activity.form_codes:
            ctx.add(
                row,
                "activity",
                _("Insatsen %(a)s använder inte formuläret %(f)s.")
                % {"a": activity.name, "f": form.code},
            )
        if sub.answered_on > today:
            ctx.add(row, "answered_on", _("Datumet ligger i framtiden."))
        if form.code in PARTICIPANT_FORMS:
            code = (sub.participant_code or "").strip()
            if not code:
                ctx.add(row, "participant_code", _("Deltagarkod saknas."))
            elif looks_like_personal_number(code):
                ctx.add(
                    row, "participant_code", _("Personnummer får inte användas som deltagarkod.")
                )
            elif code not in ctx.participants and sub.new_participant is None:
                ctx.add(row, "participant_code", _("Okänd deltagare: %s") % code)
            elif sub.new_participant is not None:
                new = sub.new_participant
                if new.gender not in _GENDERS:
                    ctx.add(row, "gender", _("Okänt kön: %s") % new.gender)
                if new.age_band not in _AGE_BANDS:
                    ctx.add(row, "age_band", _("Okänd åldersgrupp: %s") % new.age_band)
        elif sub.participant_code:
            ctx.add(row, "participant_code", _("Formuläret besvaras inte per deltagare."))
        if not sub.answers:
            ctx.add(row, "answers", _("Inga svar."))
        duplicate_key = (sub.participant_code, sub.form_code, sub.occasion, sub.answered_on)
        if form.code in PARTICIPANT_FORMS and duplicate_key in seen:
            ctx.add(
                row,
                "participant_code",
                _("Dubblett: samma deltagare, formulär, tillfälle och datum finns redan."),
            )
        seen.add(duplicate_key)
        if sub.key and sub.key in taken_keys:
            ctx.add(row, "key", _("Dubblett: nyckeln %s finns redan.") % sub.key)
        if sub.key:
            taken_keys.add(sub.key)
        ctx.parsed[row] = _answer_rows(ctx, row, sub, form)


def submission_errors_raise(ctx: _Context) -> None:
    if ctx.errors:
        raise ValidationError(ctx.errors)


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


def responses_store(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
    invitation: Invitation | None = None,
) -> list[Response]:
    """Validate all, then write all: participants, responses and answers, all or nothing.

    With an ``idempotency_key`` a repeated call returns the responses stored the first time.
    """
    return responses_submit(
        submissions=submissions,
        source=source,
        idempotency_key=idempotency_key,
        import_batch=import_batch,
        invitation=invitation,
    ).responses


def responses_submit(
    *,
    submissions: Sequence[SubmissionInput],
    source: str,
    idempotency_key: str | None = None,
    import_batch: ImportBatch | None = None,
    invitation: Invitation | None = None,
) -> StoredResponses:
    """``responses_store`` that also tells whether anything new was stored.

    Round trips: one read (everything validation needs, ids reserved) and, for up to
    ``SMALL_BATCH`` questionnaires, one INSERT statement for participants, responses and
    answers together; larger batches are copied in one transaction.
    """
    try:
        return _store(submissions, source, idempotency_key, import_batch, invitation)
    except IntegrityError:
        # A concurrent request stored the same key, idempotency key or new participant code
        # between our read and our write (nothing of ours was written). Read again: a replay
        # is then returned, a duplicate refused with its row error, and a participant
        # registered meanwhile reused.
        return _store(submissions, source, idempotency_key, import_batch, invitation)


def _store(
    submissions: Sequence[SubmissionInput],
    source: str,
    idempotency_key: str | None,
    import_batch: ImportBatch | None,
    invitation: Invitation | None,
) -> StoredResponses:
    ctx = _context(submissions, idempotency_key, reserve=True)
    if ctx.replayed:
        assert idempotency_key
        return StoredResponses(created=False, responses=_replayed(idempotency_key))
    _validate(ctx, submissions)
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
