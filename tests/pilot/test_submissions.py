"""Storing questionnaires: validation, atomicity, idempotency, personal numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from pilot.models import Answer, Participant, Response
from pilot.services import (
    NewParticipant,
    SubmissionInput,
    activity_create,
    local_item_create,
    responses_store,
    responses_submit,
)
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db

DAY = dt.date(2016, 3, 1)
EXIT_ANSWERS = {
    "p2": 4,
    "p4": 5,
    "p6": "dont_know",
    "p9": 3,
    "p11": 4,
    "p12": 2,
    "p13": "",
    "p14": 5,
    "p18": 4,
}


@pytest.fixture
def activity(alfa):
    with tenant_context(alfa):
        yield activity_create(
            name="Insats X",
            form_codes=["participant_exit", "staff_half_yearly", "board"],
            actor=None,
        )


def _exit(code="P-1", answers=None, **kw):
    return SubmissionInput(
        form_code="participant_exit",
        occasion="exit",
        activity="Insats X",
        answered_on=DAY,
        answers=answers or EXIT_ANSWERS,
        participant_code=code,
        new_participant=NewParticipant("woman", "25-29", dt.date(2015, 9, 1)),
        **kw,
    )


def test_valid_submission_is_stored_with_dont_know_as_missing(activity):
    [response] = responses_store(submissions=[_exit()], source="api", actor=None)
    answers = {
        a.item.code: a for a in Answer.objects.filter(response=response).select_related("item")
    }
    assert set(answers) == set(EXIT_ANSWERS) - {"p13"}  # an empty answer stores nothing
    assert answers["p6"].value is None and answers["p6"].dont_know
    assert answers["p2"].value == 4 and not answers["p2"].dont_know
    assert response.instrument_version.code == "2015.1"
    assert Participant.objects.get(code="P-1").gender == "woman"


@pytest.mark.parametrize(
    ("submission", "field"),
    [
        (lambda: _exit(answers={"p99": 3}), "0.answers.p99"),
        (lambda: _exit(answers={"p2": 6}), "0.answers.p2"),
        (lambda: _exit(answers={"p2": "4.5"}), "0.answers.p2"),
        (lambda: _exit(answers={"p1": 4}), "0.answers.p1"),  # p1 is not on the exit form
        (
            lambda: SubmissionInput(
                "participant_exit",
                "during",
                "Insats X",
                DAY,
                {"p2": 4},
                "P-2",
                NewParticipant("man", "20-24", DAY),
            ),
            "0.occasion",
        ),
        (
            lambda: SubmissionInput(
                "participant_during",
                "during",
                "Insats X",
                DAY,
                {"p1": 4},
                "P-2",
                NewParticipant("man", "20-24", DAY),
            ),
            "0.activity",
        ),
        (lambda: SubmissionInput("nope", "exit", "Insats X", DAY, {"p2": 4}), "0.form_code"),
        (lambda: _exit(code=""), "0.participant_code"),
        (lambda: _exit(code="811218-9876"), "0.participant_code"),
        (
            lambda: SubmissionInput(
                "participant_exit",
                "exit",
                "Insats X",
                dt.date.today() + dt.timedelta(days=3),
                {"p2": 4},
                "P-3",
                NewParticipant("man", "20-24", DAY),
            ),
            "0.answered_on",
        ),
        (
            lambda: SubmissionInput(
                "participant_exit",
                "exit",
                "Insats X",
                DAY,
                {"p2": 4},
                "P-4",
                NewParticipant("x", "20-24", DAY),
            ),
            "0.gender",
        ),
    ],
)
def test_invalid_submissions_are_refused_and_nothing_is_stored(activity, submission, field):
    valid = _exit(code="P-OK")
    with pytest.raises(ValidationError) as err:
        # A valid row next to the invalid one: the whole batch is refused.
        responses_store(submissions=[submission(), valid], source="api", actor=None)
    assert field in err.value.message_dict, err.value.message_dict
    assert not Response.objects.exists() and not Participant.objects.exists()


def test_personal_number_in_a_free_text_answer_is_refused(activity):
    local_item_create(code="berattelse", text_sv="Berätta", kind="good_example", actor=None)
    with pytest.raises(ValidationError) as err:
        responses_store(
            submissions=[
                _exit(answers={"p2": 4, "local:berattelse": "Hon (850709-9805) fick jobb"})
            ],
            source="api",
            actor=None,
        )
    assert "0.answers.local:berattelse" in err.value.message_dict


def test_idempotency_key_stores_once(activity):
    first = responses_store(submissions=[_exit()], source="api", idempotency_key="abc", actor=None)
    again = responses_store(submissions=[_exit()], source="api", idempotency_key="abc", actor=None)
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Response.objects.count() == 1


def test_duplicates_within_a_batch_and_against_stored_rows(activity):
    with pytest.raises(ValidationError) as err:
        responses_store(submissions=[_exit(), _exit()], source="import", actor=None)
    assert "1.participant_code" in err.value.message_dict
    responses_store(submissions=[_exit()], source="import", actor=None)
    with pytest.raises(ValidationError):
        responses_store(submissions=[_exit()], source="import", actor=None)
    assert Response.objects.count() == 1


def test_half_yearly_staff_form_has_no_participant(activity):
    sub = SubmissionInput(
        "staff_half_yearly", "half_yearly", "Insats X", DAY, {"p16a": 4, "p16b": 3, "p19": 5}
    )
    [response] = responses_store(submissions=[sub], source="paper", actor=None)
    assert response.participant is None and response.respondent == "staff"
    assert response.answers.count() == 3


def _own_statements(queries):
    # Tests run in a transaction, where the write is wrapped in a savepoint.
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_batch_costs_one_read_and_one_write(activity):
    local_item_create(code="jobb", text_sv="Fick du jobb?", kind="yes_no", actor=None)
    responses_store(submissions=[_exit("WARM")], source="api", actor=None)  # loads the version once
    batch = [
        _exit(f"P-{i}", answers={**EXIT_ANSWERS, "local:jobb": 1}, key=f"k{i}") for i in range(10)
    ]
    with CaptureQueriesContext(connection) as queries:
        stored = responses_store(
            submissions=batch, source="api", idempotency_key="batch", actor=None
        )
    statements = _own_statements(queries)
    assert len(statements) == 2, statements
    assert statements[0].startswith("SELECT") and statements[1].startswith("WITH")
    assert [r.key for r in stored] == [f"k{i}" for i in range(10)]
    assert [r.pk for r in stored] == sorted(r.pk for r in stored)
    assert Answer.objects.filter(local_item__code="jobb", value=1).count() == 10
    assert Participant.objects.filter(code__startswith="P-").count() == 10


def test_large_batches_go_by_copy_with_the_same_result(activity, monkeypatch):
    from pilot.services import submission_store

    monkeypatch.setattr(submission_store, "SMALL_BATCH", 1)
    local_item_create(code="antal", text_sv="Antal", kind="number", actor=None)
    batch = [
        _exit("C-1", answers={"p2": 4, "p6": "dont_know", "local:antal": "3.5"}),
        _exit("C-2", answers={"p2": 5, "p13": ""}),
        SubmissionInput("board", "half_yearly", "Insats X", DAY, {"p21": 3}, key="board"),
    ]
    with CaptureQueriesContext(connection) as queries:
        stored = responses_store(submissions=batch, source="import", actor=None)
    assert sum(q["sql"].startswith("COPY") for q in queries.captured_queries) == 3
    assert [r.participant.code if r.participant else None for r in stored] == ["C-1", "C-2", None]
    fresh = Response.objects.select_related("participant").order_by("id")
    assert [(r.pk, r.key, r.respondent) for r in fresh] == [
        (r.pk, r.key, r.respondent) for r in stored
    ]
    assert Participant.objects.get(code="C-2").gender == "woman"
    assert Answer.objects.get(local_item__code="antal").number == Decimal("3.5")
    assert Answer.objects.filter(response=stored[1]).count() == 1  # the empty answer: no row


def _stale_first_read(monkeypatch, **hide):
    """The first read misses what a concurrent request committed just after it."""
    from pilot.services import submission_context

    real = submission_context.context_read
    calls = []

    def stale(*args, **kwargs):
        ctx = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            for name, value in hide.items():
                setattr(ctx, name, value)
        return ctx

    monkeypatch.setattr(submission_context, "context_read", stale)
    return calls


def test_a_concurrent_idempotent_retry_returns_the_first_result(activity, monkeypatch):
    first = responses_submit(
        submissions=[_exit()], source="api", idempotency_key="race", actor=None
    )
    reads = _stale_first_read(monkeypatch, replayed=[], taken_keys=set(), seen=set())
    again = responses_submit(
        submissions=[_exit()], source="api", idempotency_key="race", actor=None
    )
    assert len(reads) == 2  # the write conflicted, the second read found the first result
    assert again.created is False and [r.pk for r in again.responses] == [
        r.pk for r in first.responses
    ]
    assert Response.objects.count() == 1


def test_a_concurrent_duplicate_key_is_refused_with_its_row_error(activity, monkeypatch):
    board = SubmissionInput("board", "half_yearly", "Insats X", DAY, {"p21": 3}, key="dup")
    responses_store(submissions=[board], source="api", actor=None)
    reads = _stale_first_read(monkeypatch, taken_keys=set())
    with pytest.raises(ValidationError) as err:
        responses_store(submissions=[board], source="api", actor=None)
    assert "0.key" in err.value.message_dict and len(reads) == 2
    assert Response.objects.count() == 1


def test_a_participant_registered_concurrently_is_reused(activity, monkeypatch):
    responses_store(submissions=[_exit("SAME", key="a")], source="api", actor=None)
    reads = _stale_first_read(monkeypatch, participants={}, seen=set())
    later = _exit("SAME", key="b")
    later = SubmissionInput(**{**later.__dict__, "answered_on": DAY + dt.timedelta(days=1)})
    [response] = responses_store(submissions=[later], source="api", actor=None)
    assert len(reads) == 2
    assert Participant.objects.filter(code="SAME").count() == 1
    assert response.participant_id == Participant.objects.get(code="SAME").pk


def test_a_newly_published_version_takes_over_at_once(activity):
    import copy

    from instrument.services import (
        BUNDLED_VERSION_FILE,
        instrument_data_read,
        instrument_version_load,
        instrument_version_publish,
    )

    [old] = responses_store(submissions=[_exit("V-1")], source="api", actor=None)
    data = copy.deepcopy(instrument_data_read(path=BUNDLED_VERSION_FILE))
    data["version"] = {**data["version"], "code": "2099.1", "previous_version": "2015.1"}
    for point in data["points"]:
        for item in point["items"]:
            item["crosswalk"] = {"from": item["code"], "change": "same"}
    first = data["points"][0]["items"][0]  # an empty version is not published: one rewording
    first["statement_sv"] += " (ny lydelse)"
    first["crosswalk"] = {"from": first["code"], "change": "reworded", "reason": "Prov"}
    v2 = instrument_version_publish(version=instrument_version_load(data=data), actor=None)
    [new] = responses_store(submissions=[_exit("V-2")], source="api", actor=None)
    assert old.instrument_version.code == "2015.1"
    assert new.instrument_version == v2
    assert Answer.objects.filter(response=new).first().item.version == v2


def test_an_empty_batch_stores_nothing(activity):
    assert responses_store(submissions=[], source="import", actor=None) == []
    assert responses_submit(submissions=[], source="api", idempotency_key="e", actor=None).created
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="pilot.responses").exists()


def test_a_large_batch_reports_its_count_and_builds_instances_only_when_asked(activity):
    """Imports (COPY path) need the count; the instances, built on demand, match the rows."""
    from pilot.services import submission_store

    subs = [_exit(code=f"P-{i}") for i in range(submission_store.SMALL_BATCH + 5)]
    stored = responses_submit(submissions=subs, source="import", actor=None)
    assert stored.created and stored.count == len(subs) == Response.objects.count()
    assert stored._responses is None  # nothing built yet
    by_pk = {r.pk: r for r in Response.objects.select_related("participant", "activity")}
    built = stored.responses
    assert [r.participant.code for r in built] == [s.participant_code for s in subs]
    for r in built:
        db = by_pk[r.pk]
        assert (r.key, r.form_code, r.activity.name, r.participant_id) == (
            db.key,
            db.form_code,
            db.activity.name,
            db.participant_id,
        )
