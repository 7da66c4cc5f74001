"""Erasure of one participant: every trace gone from the association and unreleased snapshots."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from national.models import DatasetRequest, PooledOutcome, PooledResponse
from national.pooling import pseudonym, snapshot_finish, snapshot_part_extract, snapshot_start
from ops.privacy.erasure import participant_erase
from pilot.models import Answer, Invitation, Participant, Response
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.models import AuditEvent
from tenants.roles import Role
from tenants.services import association_consent_set
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def alfa_with_data(alfa):
    spec = AssociationSpec(slug="alfa", n_participants=12, activity_names=("A",), n_staff=2)
    data = synthetic_generate(specs=[spec], seed=11)
    with tenant_context(alfa):
        synthetic_data_load(data=data["alfa"], actor=None)
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    return alfa


def _participant_with_everything(alfa) -> Participant:
    with tenant_context(alfa):
        participant = (
            Participant.objects.filter(responses__isnull=False).order_by("code").distinct().first()
        )
        Invitation.objects.create(
            token="tok-erase-me",
            short_code="ERASE1",
            form_code="participant",
            occasion="start",
            activity=participant.activity,
            participant=participant,
            expires_at=timezone.now() + timedelta(days=3),
            draft_answers={"q1": "4"},
        )
        return participant


def _schema_rows_mentioning(alfa, needle: str) -> list[str]:
    """Every table of the association's schema, each row as text, searched for ``needle``."""
    hits = []
    with tenant_context(alfa), connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [alfa.schema_name],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{alfa.schema_name}"."{table}" t '
                "WHERE row_to_json(t)::text LIKE %s",
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(table)
    return hits


def test_erasure_removes_every_trace_and_keeps_released_snapshots(alfa_with_data):
    alfa = alfa_with_data
    participant = _participant_with_everything(alfa)
    code, pk = participant.code, participant.pk
    alias = pseudonym(association_slug="alfa", participant_code=code)
    with tenant_context(alfa):
        own_responses = Response.objects.filter(participant=participant).count()
        own_answers = Answer.objects.filter(response__participant=participant).count()
        others = Response.objects.exclude(participant=participant).count()
    assert own_responses and own_answers and _schema_rows_mentioning(alfa, code)

    released = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=released.pk, association_slug="alfa")
    snapshot_finish(snapshot_id=released.pk)
    DatasetRequest.objects.create(
        requester=user_with_role(Role.RESEARCHER),
        purpose="Forskning",
        status="ready",
        snapshot=released,
        checksum="0" * 64,
    )
    draft = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=draft.pk, association_slug="alfa")
    for snapshot in (released, draft):
        assert PooledResponse.objects.filter(snapshot=snapshot, pseudonym=alias).count() == (
            own_responses
        )
        assert PooledOutcome.objects.filter(snapshot=snapshot, pseudonym=alias).count() == 1
    pooled_in_draft = PooledResponse.objects.filter(snapshot=draft).count()

    admin = user_with_role(Role.ASSOCIATION_ADMIN, alfa)
    with tenant_context(alfa):
        result = participant_erase(actor=admin, participant=participant)
        assert not Participant.objects.filter(pk=pk).exists()
        assert not Invitation.objects.filter(token="tok-erase-me").exists()
        assert Response.objects.count() == others  # only theirs went
    assert _schema_rows_mentioning(alfa, code) == []
    assert _schema_rows_mentioning(alfa, "tok-erase-me") == []
    assert (result.responses, result.answers, result.invitations) == (
        own_responses,
        own_answers,
        1,
    )

    # Unreleased snapshot: their pooled rows are gone, everyone else's stay.
    assert not PooledResponse.objects.filter(snapshot=draft, pseudonym=alias).exists()
    assert not PooledOutcome.objects.filter(snapshot=draft, pseudonym=alias).exists()
    assert PooledResponse.objects.filter(snapshot=draft).count() == pooled_in_draft - own_responses
    # Released snapshot: unchanged (docs/data-protection.md).
    assert PooledResponse.objects.filter(snapshot=released, pseudonym=alias).count() == (
        own_responses
    )

    event = AuditEvent.objects.get(action="privacy.participant_erased")
    assert event.actor == admin and event.association_slug == "alfa"
    assert event.details["responses"] == own_responses
    assert event.details["snapshots_changed"] == [draft.number]
    assert event.details["snapshots_kept"] == [released.number]
    assert code not in str(event.details) and alias not in str(event.details)
