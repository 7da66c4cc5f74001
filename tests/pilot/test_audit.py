"""Every write service in pilot/services records one audit row with its actor and action.

Each case runs one service call inside association Alfa and compares the audit rows written
by that call alone: exactly one, with the acting user (None only for the anonymous
respondent), the action named here, and Alfa's slug.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from pilot.models import Participant
from pilot.services import (
    NewParticipant,
    SubmissionInput,
    activity_create,
    activity_forms_set,
    good_example_report,
    invitation_draft_save,
    invitation_submit,
    invitations_issue,
    local_item_create,
    local_target_create,
    municipality_year_upsert,
    municipality_years_import,
    participant_exit_record,
    participant_register,
    responses_store,
    responses_submit,
    schedule_add,
)
from pilot.services.imports import responses_import
from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
from pilot.synthetic import AssociationSpec
from tenants.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2016, 3, 1)
FORMS = ["participant_exit", "board"]


@pytest.fixture
def alfa_world(alfa):
    with tenant_context(alfa):
        activity = activity_create(name="Insats A", form_codes=FORMS, actor=None)
        participant = participant_register(
            code="A-1",
            gender="woman",
            age_band="25-29",
            activity=activity,
            started_on=dt.date(2015, 9, 1),
            actor=None,
        )
        yield activity, participant


def _one_row(call):  # type: ignore[no-untyped-def]
    """Run ``call`` and return the single audit row it wrote."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    call()
    rows = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(rows) == 1, [r.action for r in rows]
    return rows[0]


def _exit(code: str, key: str) -> SubmissionInput:
    return SubmissionInput(
        "participant_exit",
        "exit",
        "Insats A",
        DAY,
        {"p2": 4},
        participant_code=code,
        new_participant=NewParticipant("man", "30-39", dt.date(2015, 10, 1)),
        key=key,
    )


def _cases(activity, participant, tmp_path):  # type: ignore[no-untyped-def]
    item = {}

    def local_item(actor):  # type: ignore[no-untyped-def]
        item["nojd"] = local_item_create(
            code="nojd", text_sv="Nöjd?", kind="likert", scale_points=5, actor=actor
        )

    story = local_item_create(
        code="berattelse", text_sv="Gott exempel", kind="good_example", actor=None
    )

    def good_example(actor):  # type: ignore[no-untyped-def]
        good_example_report(
            local_item=story,
            reported_on=DAY,
            title="Ett exempel",
            text="Text",
            attachment=SimpleUploadedFile("a.txt", b"demo"),
            actor=actor,
        )

    register_csv = (
        "municipality,year,sickness_disability_fte,labour_market_fte,"
        "financial_assistance_fte,population_20_64\nUmeå,2016,10,20,30,1000\n"
    ).encode()
    exit_csv = (
        b"participant_code,gender,age_band,started_on,activity,occasion,answered_on,p2\n"
        b"I-1,woman,25-29,2015-09-01,Insats A,exit,2016-03-01,4\n"
    )
    return [
        ("pilot.activity_created", lambda a: activity_create(name="Ny", actor=a)),
        (
            "pilot.activity_forms_set",
            lambda a: activity_forms_set(activity=activity, form_codes=FORMS, actor=a),
        ),
        (
            "pilot.schedule_added",
            lambda a: schedule_add(
                activity=activity, form_code="board", occasion="half_yearly", actor=a
            ),
        ),
        ("pilot.local_item_created", local_item),
        (
            "pilot.local_target_created",
            lambda a: local_target_create(
                kind="share_at_least",
                point_number=2,
                category=4,
                percent=Decimal(70),
                valid_from=DAY,
                actor=a,
            ),
        ),
        ("pilot.good_example_reported", good_example),
        (
            "pilot.participant_registered",
            lambda a: participant_register(
                code="A-2",
                gender="man",
                age_band="30-39",
                activity=activity,
                started_on=DAY,
                actor=a,
            ),
        ),
        (
            "pilot.participant_exit_recorded",
            lambda a: participant_exit_record(
                participant=participant, exited_on=DAY, exit_outcome="work", actor=a
            ),
        ),
        (
            "pilot.municipality_year_saved",
            lambda a: municipality_year_upsert(
                municipality="Umeå",
                year=2015,
                sickness_disability_fte=Decimal(1),
                labour_market_fte=Decimal(2),
                financial_assistance_fte=Decimal(3),
                population_20_64=100,
                actor=a,
            ),
        ),
        (
            "pilot.municipality_years_imported",
            lambda a: municipality_years_import(filename="r.csv", content=register_csv, actor=a),
        ),
        (
            "pilot.invitations_issued",
            lambda a: invitations_issue(
                form_code="board", occasion="half_yearly", activity=activity, count=3, actor=a
            ),
        ),
        (
            "pilot.responses_submitted",
            lambda a: responses_submit(submissions=[_exit("S-1", "s1")], source="api", actor=a),
        ),
        (
            "pilot.responses_submitted",
            lambda a: responses_store(submissions=[_exit("S-2", "s2")], source="api", actor=a),
        ),
        (
            "pilot.responses_imported",
            lambda a: responses_import(
                filename="e.csv", content=exit_csv, form_code="participant_exit", actor=a
            ),
        ),
    ]


def test_each_write_service_audits_its_actor_and_action(alfa, alfa_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    activity, participant = alfa_world
    actor = UserFactory()
    with tenant_context(alfa):
        for action, call in _cases(activity, participant, tmp_path):
            row = _one_row(lambda call=call: call(actor))
            assert (row.action, row.actor_id, row.association_slug) == (
                action,
                actor.pk,
                "alfa",
            ), action


def test_a_replayed_submit_writes_no_second_row(alfa, alfa_world):
    actor = UserFactory()
    with tenant_context(alfa):
        first = _one_row(
            lambda: responses_submit(
                submissions=[_exit("R-1", "r1")], source="api", actor=actor, idempotency_key="i"
            )
        )
        assert first.details == {"source": "api", "responses": 1, "new_participants": 1}
        before = AuditEvent.objects.count()
        again = responses_submit(
            submissions=[_exit("R-1", "r1")], source="api", actor=actor, idempotency_key="i"
        )
        assert not again.created and AuditEvent.objects.count() == before


def test_large_batches_audit_once_too(alfa, alfa_world, monkeypatch):
    from pilot.services import submission_store

    monkeypatch.setattr(submission_store, "SMALL_BATCH", 1)
    actor = UserFactory()
    with tenant_context(alfa):
        subs = [_exit(f"L-{i}", f"l{i}") for i in range(3)]
        row = _one_row(lambda: responses_submit(submissions=subs, source="import", actor=actor))
    assert (row.action, row.actor_id, row.details["responses"]) == (
        "pilot.responses_submitted",
        actor.pk,
        3,
    )


def test_anonymous_respondents_are_audited_as_such(alfa, alfa_world):
    activity, _participant = alfa_world
    with tenant_context(alfa):
        [inv] = invitations_issue(
            form_code="participant_exit",
            occasion="exit",
            activity=activity,
            participants=list(Participant.objects.filter(code="A-1")),
            actor=UserFactory(),
        )
        draft = _one_row(
            lambda: invitation_draft_save(invitation=inv, answers={"p2": "4"}, actor=None)
        )
        submit = _one_row(
            lambda: invitation_submit(invitation=inv, answers={"p2": "4"}, actor=None)
        )
    assert (draft.action, draft.actor_id) == ("pilot.respondent_draft_saved", None)
    assert (submit.action, submit.actor_id, submit.association_slug) == (
        "pilot.respondent_submitted",
        None,
        "alfa",
    )
    assert submit.details["invitation"] == inv.pk


def test_synthetic_load_audits_once(alfa):
    spec = AssociationSpec(slug="alfa", n_participants=5, activity_names=("S",), n_staff=2)
    data = synthetic_generate(specs=[spec], seed=3)["alfa"]
    with tenant_context(alfa):
        row = _one_row(lambda: synthetic_data_load(data=data, actor=None))
    assert row.action == "pilot.synthetic_data_loaded"
    assert row.details["responses"] == len(data.responses)
