"""Pooling: consent-gated, anonymised extraction of core answers into numbered snapshots.

A snapshot is published only when every included association's part is done; a failed or
killed part leaves it unpublished (the previous published snapshot stays the one shown), and
resuming re-runs only the parts not done. A part's extraction first deletes whatever an
interrupted attempt left, so re-runs never duplicate rows.
"""

from __future__ import annotations

import hashlib
import hmac

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_tenants.utils import tenant_context

from national.models import (
    NationalConfig,
    PooledOutcome,
    PooledResponse,
    Snapshot,
    SnapshotPart,
    SnapshotReport,
)
from pilot.models import Participant
from tenants.db import public_schema_use
from tenants.models import Association, User
from tenants.services import audit_record

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

# Questionnaire numbers are unique per schema; the part's offset makes them unique in every
# snapshot. Only core items (item_id set; local items have local_item instead) and submitted
# questionnaires. Both array_agg calls see a group's rows in the same order, so the arrays stay
# aligned without the cost of an ORDER BY.
POOL_RESPONSES_SQL = """
WITH pooled AS (
INSERT INTO public.national_pooledresponse
  (snapshot_id, association, county, response, pseudonym, form_code, occasion, period,
   instrument_version, respondent, gender, age_band, item_ids, answer_values)
SELECT %(snapshot)s, %(association)s, %(county)s, r.id + %(offset)s,
       COALESCE(ps.pseudonym, ''), r.form_code, r.occasion,
       date_trunc('month', r.answered_on)::date, v.code, r.respondent,
       COALESCE(p.gender, ''), COALESCE(p.age_band, ''), x.item_ids, x.answer_values
FROM (
  SELECT a.response_id, array_agg(a.item_id::integer) AS item_ids,
         array_agg(CASE WHEN a.dont_know THEN %(dont_know)s::smallint ELSE a.value END)
           AS answer_values
  FROM pilot_answer a
  WHERE a.item_id IS NOT NULL
  GROUP BY a.response_id
) x
JOIN pilot_response r ON r.id = x.response_id
JOIN instrument_instrumentversion v ON v.id = r.instrument_version_id
LEFT JOIN pilot_participant p ON p.id = r.participant_id
LEFT JOIN pooling_pseudonym ps ON ps.code = p.code
WHERE r.status = 'submitted'
RETURNING cardinality(item_ids) AS answers
)
SELECT COALESCE(sum(answers), 0) FROM pooled
"""
POOL_OUTCOMES_SQL = """
INSERT INTO public.national_pooledoutcome
  (snapshot_id, association, county, pseudonym, exit_month, exit_outcome, subsidised_work,
   gender, age_band)
SELECT %(snapshot)s, %(association)s, %(county)s, ps.pseudonym,
       date_trunc('month', p.exited_on)::date, p.exit_outcome, p.subsidised_work, p.gender,
       p.age_band
FROM pilot_participant p JOIN pooling_pseudonym ps ON ps.code = p.code
"""


def pseudonym(*, association_slug: str, participant_code: str) -> str:
    """Keyed HMAC: stable within the national layer, useless without the key."""
    message = f"{association_slug}\x1f{participant_code}".encode()
    key = settings.NNS_POOLING_HMAC_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def national_config() -> NationalConfig:
    config, _created = NationalConfig.objects.get_or_create(pk=1)
    return config


def consenting_associations() -> list[Association]:
    return list(
        Association.objects.exclude(schema_name="public")
        .filter(pooling_consent=True, archived_at__isnull=True)
        .order_by("slug")
    )


@transaction.atomic
def snapshot_start(*, actor: User | None) -> Snapshot:
    """A new numbered snapshot with one pending part per consenting association."""
    number = (Snapshot.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = Snapshot.objects.create(
        number=number, started_by=actor, small_cell_k=national_config().small_cell_k
    )
    SnapshotPart.objects.bulk_create(
        SnapshotPart(snapshot=snapshot, association_slug=a.slug) for a in consenting_associations()
    )
    audit_record(action="national.snapshot_started", actor=actor, number=number)
    return snapshot


def snapshot_part_extract(*, snapshot_id: int, association_slug: str) -> SnapshotPart:
    """Extract one association's core answers and outcomes (idempotent)."""
    part = SnapshotPart.objects.select_related("snapshot").get(
        snapshot_id=snapshot_id, association_slug=association_slug
    )
    if part.status == SnapshotPart.Status.DONE:
        return part
    association = Association.objects.get(slug=association_slug)
    if not association.pooling_consent:
        raise PermissionError(f"{association_slug} has not consented to pooling")
    with transaction.atomic():
        # Whatever an interrupted attempt left goes first: re-runs never duplicate.
        part_rows = {"snapshot_id": snapshot_id, "association": association_slug}
        PooledResponse.objects.filter(**part_rows).delete()
        PooledOutcome.objects.filter(**part_rows).delete()
        with tenant_context(association), connection.cursor() as cursor:
            codes = list(Participant.objects.values_list("code", flat=True))
            # Pseudonyms are keyed in Python (the key never reaches the database); the rows
            # themselves move schema to schema in two set-based INSERT … SELECT statements.
            cursor.execute(
                "CREATE TEMP TABLE pooling_pseudonym (code text PRIMARY KEY, pseudonym text) "
                "ON COMMIT DROP"
            )
            with cursor.copy("COPY pooling_pseudonym (code, pseudonym) FROM STDIN") as copy:
                for code in codes:
                    copy.write_row(
                        (code, pseudonym(association_slug=association_slug, participant_code=code))
                    )
            params = {
                "snapshot": snapshot_id,
                "association": association_slug,
                "county": association.county,
                "offset": int(part.pk) * 10**10,
                "dont_know": PooledResponse.DONT_KNOW,
            }
            cursor.execute(POOL_RESPONSES_SQL, params)
            answers = int(cursor.fetchone()[0])
            cursor.execute(POOL_OUTCOMES_SQL, params)
            participants = cursor.rowcount
            cursor.execute("DROP TABLE pooling_pseudonym")
        public_schema_use()
        part.status = SnapshotPart.Status.DONE
        part.answers, part.participants = answers, participants
        part.finished_at = timezone.now()
        part.error = ""
        part.save(update_fields=["status", "answers", "participants", "finished_at", "error"])
    return part


def snapshot_part_failed(*, snapshot_id: int, association_slug: str, error: str) -> None:
    SnapshotPart.objects.filter(snapshot_id=snapshot_id, association_slug=association_slug).exclude(
        status=SnapshotPart.Status.DONE
    ).update(status=SnapshotPart.Status.FAILED, error=error[:2000])


def snapshot_publish(*, snapshot_id: int) -> Snapshot:
    """Compute and store the reports, then publish — only if every part is done."""
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    if snapshot.status == Snapshot.Status.PUBLISHED:
        return snapshot
    missing = snapshot.parts.exclude(status=SnapshotPart.Status.DONE)
    if missing.exists():
        snapshot.status = Snapshot.Status.FAILED
        snapshot.error = "Not done: " + ", ".join(
            missing.values_list("association_slug", flat=True)
        )
        snapshot.save(update_fields=["status", "error"])
        return snapshot
    from national.reports.store import reports_compute

    # Computed before the transaction: the pooled rows are committed and never change, and
    # outside a transaction block the snapshot is read over several connections at once.
    computed = reports_compute(snapshot=snapshot)
    with transaction.atomic():
        # Two publishers of one snapshot (a retried task): the second finds it published.
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.status == Snapshot.Status.PUBLISHED:
            return snapshot
        SnapshotReport.objects.filter(snapshot=snapshot).delete()
        per_association = computed.pop(SnapshotReport.Kind.ASSOCIATION)
        rows = [("", kind, payload) for kind, payload in computed.items()]
        rows += [(slug, SnapshotReport.Kind.ASSOCIATION, p) for slug, p in per_association.items()]
        _reports_copy(snapshot_id=snapshot.pk, rows=rows)
        snapshot.status = Snapshot.Status.PUBLISHED
        snapshot.published_at = timezone.now()
        snapshot.error = ""
        snapshot.save(update_fields=["status", "published_at", "error"])
        audit_record(action="national.snapshot_published", number=snapshot.number)
    return snapshot


def _reports_copy(*, snapshot_id: int, rows: list[tuple[str, str, object]]) -> None:
    """Store the reports by one COPY: tens of megabytes of JSON, which INSERTs would first
    quote as SQL literals (bulk_create's UNNEST path even escapes them with a regex)."""
    now = timezone.now()
    sql = (
        f"COPY {SnapshotReport._meta.db_table} "
        "(snapshot_id, kind, association, payload, created_at) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for association, kind, payload in rows:
            # payloads are plain JSON types already (national.reports.output.to_json)
            copy.write_row((snapshot_id, kind, association, orjson.dumps(payload).decode(), now))


def snapshot_resume(*, snapshot: Snapshot) -> Snapshot:
    """Put a failed or interrupted snapshot back to running; parts not done run again."""
    if snapshot.status == Snapshot.Status.PUBLISHED:
        return snapshot
    snapshot.parts.exclude(status=SnapshotPart.Status.DONE).update(
        status=SnapshotPart.Status.PENDING, error=""
    )
    snapshot.status = Snapshot.Status.RUNNING
    snapshot.error = ""
    snapshot.save(update_fields=["status", "error"])
    return snapshot


def national_config_set(*, small_cell_k: int, actor: User | None) -> NationalConfig:
    """Change the suppression threshold for the next snapshots. Audited."""
    from django.core.exceptions import ValidationError

    if not 3 <= small_cell_k <= 100:
        raise ValidationError({"small_cell_k": ["k ska vara mellan 3 och 100."]})
    config = national_config()
    config.small_cell_k = small_cell_k
    config.save(update_fields=["small_cell_k"])
    audit_record(action="national.k_changed", actor=actor, k=small_cell_k)
    return config
