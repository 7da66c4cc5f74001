"""Consent-gated pooling into numbered snapshots; failures never publish partially."""

from collections import Counter

import pandas as pd
import pytest
from django_tenants.utils import tenant_context

from instrument.models import Item
from national.models import PooledOutcome, PooledResponse, Snapshot, SnapshotPart
from national.pooling import (
    pseudonym,
    snapshot_finish,
    snapshot_frames,
    snapshot_part_extract,
    snapshot_start,
)
from pilot.models import Answer, Participant
from pilot.services import local_item_create
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.services import association_consent_set

pytestmark = pytest.mark.django_db


def pooled_answer_count(snapshot: Snapshot) -> int:
    arrays = PooledResponse.objects.filter(snapshot=snapshot).values_list("item_ids", flat=True)
    return sum(len(ids) for ids in arrays)


@pytest.fixture
def data_in_both(alfa, beta):
    specs = [
        AssociationSpec(slug=s, n_participants=40, activity_names=("A",), n_staff=4)
        for s in ("alfa", "beta")
    ]
    data = synthetic_generate(specs=specs, seed=5)
    for association in (alfa, beta):
        with tenant_context(association):
            synthetic_data_load(data=data[association.slug], actor=None)
            # A local item with an answer: must never be pooled.
            item = local_item_create(
                code="lokal", text_sv="Lokal fråga", kind="likert", scale_points=6, actor=None
            )
            first = Answer.objects.select_related("response").first()
            Answer.objects.create(response=first.response, local_item=item, value=6)
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    return data


def test_only_consenting_associations_are_included(data_in_both, alfa, beta):
    snapshot = snapshot_start(actor=None, queue=False)
    assert list(snapshot.parts.values_list("association_slug", flat=True)) == ["alfa"]
    with pytest.raises(PermissionError):
        SnapshotPart.objects.create(snapshot=snapshot, association_slug="beta")
        snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="beta")
    assert not PooledResponse.objects.filter(association="beta").exists()


def test_extraction_is_anonymised_core_only_and_idempotent(data_in_both, alfa):
    snapshot = snapshot_start(actor=None, queue=False)
    part = snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    with tenant_context(alfa):
        core_answers = Answer.objects.filter(item__isnull=False).count()
        codes = set(Participant.objects.values_list("code", flat=True))
        participants = len(codes)
    assert part.status == "done" and part.answers == core_answers
    assert pooled_answer_count(snapshot) == core_answers
    assert PooledOutcome.objects.filter(snapshot=snapshot).count() == participants
    pooled = set(PooledResponse.objects.exclude(pseudonym="").values_list("pseudonym", flat=True))
    # No pseudonym equals or contains a participant code; each is the keyed HMAC.
    assert pooled and not pooled & codes
    assert all(code not in p for p in pooled for code in list(codes)[:20])
    some = next(iter(codes))
    assert pseudonym(association_slug="alfa", participant_code=some) in pooled
    arrays = PooledResponse.objects.values_list("item_ids", flat=True)
    pooled_items = {i for ids in arrays for i in ids}
    assert pooled_items <= set(Item.objects.values_list("id", flat=True))  # never local items
    # Months only.
    assert set(PooledResponse.objects.values_list("period__day", flat=True)) == {1}
    # Running the part again (a retried task) does not duplicate anything.
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    SnapshotPart.objects.filter(pk=part.pk).update(status="pending")
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    assert pooled_answer_count(snapshot) == core_answers


def test_pooled_answers_read_back_as_stored(data_in_both, alfa):
    """The parallel arrays keep each value with its item, don't know included."""
    snapshot = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    with tenant_context(alfa):
        stored = Counter(
            (r.response.form_code, r.item.code, r.value, r.dont_know)
            for r in Answer.objects.filter(item__isnull=False).select_related("item", "response")
        )
        assert any(dont_know for *_, dont_know in stored)
    answers, _outcomes = snapshot_frames(snapshot=snapshot)
    value = answers["value"].astype(object).where(answers["value"].notna(), None)
    read = Counter(
        zip(
            answers["form_code"].astype(str),
            answers["item_code"].astype(str),
            value,
            answers["dont_know"],
            strict=True,
        )
    )
    assert read == stored
    assert answers.groupby("response")["form_code"].nunique().max() == 1


def test_numbers_increase(data_in_both):
    first = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=first.pk, association_slug="alfa")
    assert snapshot_finish(snapshot_id=first.pk).status == "draft"
    second = snapshot_start(actor=None, queue=False)
    assert second.number == first.number + 1
    assert Snapshot.objects.filter(status="running").get() == second


def test_an_empty_snapshot_reads_as_empty_frames(alfa):
    association_consent_set(association=alfa, consent=True, given_by="Styrelsen", actor=None)
    snapshot = snapshot_start(actor=None, queue=False)
    snapshot_part_extract(snapshot_id=snapshot.pk, association_slug="alfa")
    answers, outcomes = snapshot_frames(snapshot=snapshot)
    assert answers.empty and outcomes.empty
    assert {"association", "item_code", "value", "dont_know"} <= set(answers.columns)
    assert snapshot_finish(snapshot_id=snapshot.pk).status == "draft"


def test_a_snapshot_read_in_shares_is_the_whole(data_in_both, alfa, beta):
    """Publication reads a snapshot over several connections, one share each (outside a
    transaction, so not here): the shares together are exactly the single read."""
    from national.reports.store import (
        _OUTCOME_TYPES,
        _OUTCOMES_SQL,
        _QUESTIONNAIRE_TYPES,
        _QUESTIONNAIRES_SQL,
        _text_part,
    )

    association_consent_set(association=beta, consent=True, given_by="Styrelsen", actor=None)
    snapshot = snapshot_start(actor=None, queue=False)
    for slug in ("alfa", "beta"):
        snapshot_part_extract(snapshot_id=snapshot.pk, association_slug=slug)
    for sql, types in [
        (_QUESTIONNAIRES_SQL, _QUESTIONNAIRE_TYPES),
        (_OUTCOMES_SQL, _OUTCOME_TYPES),
    ]:
        whole = _text_part(sql, snapshot.pk, types, 0, 1).to_pandas()
        shares = [_text_part(sql, snapshot.pk, types, i, 3).to_pandas() for i in range(3)]
        assert all(len(share) for share in shares)
        joined = pd.concat(shares).astype(str)
        order = list(whole.columns)
        assert sorted(map(tuple, joined[order].to_numpy())) == sorted(
            map(tuple, whole.astype(str).to_numpy())
        )
