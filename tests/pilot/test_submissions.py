"""Storing questionnaires: validation, atomicity, idempotency, personal numbers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from pilot.models import Answer, Participant, Response
from pilot.services import (
    NewParticipant,
    SubmissionInput,
    activity_create,
    local_item_create,
    responses_store,
)

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
            name="Insats X", form_codes=["participant_exit", "staff_half_yearly", "board"]
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
    [response] = responses_store(submissions=[_exit()], source="api")
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
        responses_store(submissions=[submission(), valid], source="api")
    assert field in err.value.message_dict, err.value.message_dict
    assert not Response.objects.exists() and not Participant.objects.exists()


def test_personal_number_in_a_free_text_answer_is_refused(activity):
    local_item_create(code="berattelse", text_sv="Berätta", kind="good_example")
    with pytest.raises(ValidationError) as err:
        responses_store(
            submissions=[
                _exit(answers={"p2": 4, "local:berattelse": "Hon (850709-9805) fick jobb"})
            ],
            source="api",
        )
    assert "0.answers.local:berattelse" in err.value.message_dict


def test_idempotency_key_stores_once(activity):
    first = responses_store(submissions=[_exit()], source="api", idempotency_key="abc")
    again = responses_store(submissions=[_exit()], source="api", idempotency_key="abc")
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Response.objects.count() == 1


def test_duplicates_within_a_batch_and_against_stored_rows(activity):
    with pytest.raises(ValidationError) as err:
        responses_store(submissions=[_exit(), _exit()], source="import")
    assert "1.participant_code" in err.value.message_dict
    responses_store(submissions=[_exit()], source="import")
    with pytest.raises(ValidationError):
        responses_store(submissions=[_exit()], source="import")
    assert Response.objects.count() == 1


def test_half_yearly_staff_form_has_no_participant(activity):
    sub = SubmissionInput(
        "staff_half_yearly", "half_yearly", "Insats X", DAY, {"p16a": 4, "p16b": 3, "p19": 5}
    )
    [response] = responses_store(submissions=[sub], source="paper")
    assert response.participant is None and response.respondent == "staff"
    assert response.answers.count() == 3
