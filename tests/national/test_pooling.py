"""Consent-gated pooling into numbered snapshots; failures never publish partially."""

import pytest
from django_tenants.utils import tenant_context

from national.models import PooledAnswer, PooledOutcome, Snapshot, SnapshotPart
from national.services import pseudonym, snapshot_part_extract, snapshot_start
from pilot.models import Answer, Participant
from pilot.services import local_item_create
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.services import association_consent_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_in_both(alfa, beta):
    specs = [
        AssociationSpec(slug=s, n_participants=40, activity_names=("A",), n_staff=4)
        for s in ("alfa", "beta")
    ]
    data = synthetic_generate(specs=specs, seed=5)
    for association in (alfa, beta):
        with tenant_context(association):
            synthetic_data_load(data=data[association.slug])
            # A local item with an answer: must never be pooled.
            item = local_item_create(
                code="lokal", text_sv="Lokal fråga", kind="likert", scale_points=6
            )
            first = Answer.objects.select_related("response").first()
            Answer.objects.create(response=first.response, local_item=item, value=6)
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    return data


def test_only_consenting_associations_are_included(data_in_both, alfa, beta):
    snapshot = snapshot_start(actor=None)
    assert list(snapshot.parts.values_list("association_slug", flat=True)) == ["alfa"]
    with pytest.raises(PermissionError):
        SnapshotPart.objects.create(snapshot=snapshot, association_slug="beta")
        snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="beta")
    assert not PooledAnswer.objects.filter(association="beta").exists()


def test_extraction_is_anonymised_core_only_and_idempotent(data_in_both, alfa):
    snapshot = snapshot_start(actor=None)
    part = snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    with tenant_context(alfa):
        core_answers = Answer.objects.filter(item__isnull=False).count()
        codes = set(Participant.objects.values_list("code", flat=True))
        participants = len(codes)
    assert part.status == "done" and part.answers == core_answers
    assert PooledAnswer.objects.filter(snapshot=snapshot).count() == core_answers
    assert PooledOutcome.objects.filter(snapshot=snapshot).count() == participants
    pooled = set(PooledAnswer.objects.exclude(pseudonym="").values_list("pseudonym", flat=True))
    # No pseudonym equals or contains a participant code; each is the keyed HMAC.
    assert pooled and not pooled & codes
    assert all(code not in p for p in pooled for code in list(codes)[:20])
    some = next(iter(codes))
    assert pseudonym(association_slug="alfa", participant_code=some) in pooled
    assert not PooledAnswer.objects.filter(item_code__startswith="lokal").exists()
    # Months only.
    assert set(PooledAnswer.objects.values_list("period__day", flat=True)) == {1}
    # Running the part again (a retried task) does not duplicate anything.
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    SnapshotPart.objects.filter(pk=part.pk).update(status="pending")
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    assert PooledAnswer.objects.filter(snapshot=snapshot).count() == core_answers


def test_numbers_increase(data_in_both):
    first = snapshot_start(actor=None)
    second = snapshot_start(actor=None)
    assert second.number == first.number + 1
    assert Snapshot.objects.filter(status="running").count() == 2
