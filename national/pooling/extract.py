"""Extraction of one association's part of a snapshot: consent-gated, anonymised (keyed
pseudonyms), core answers and register outcomes only, idempotent (whatever an interrupted
attempt left is deleted first, so re-runs never duplicate rows)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from national.models import PooledOutcome, PooledResponse, SnapshotPart
from pilot.models import Participant
from tenants.db import public_schema_use
from tenants.models import Association

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
