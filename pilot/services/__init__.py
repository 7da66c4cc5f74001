"""Writes inside the current association's schema, one module per concern."""

from pilot.services.configuration import (
    activity_create,
    activity_forms_set,
    local_item_create,
    local_target_create,
    schedule_add,
)
from pilot.services.good_examples import good_example_report
from pilot.services.submissions import (
    NewParticipant,
    SubmissionInput,
    responses_store,
    submissions_validate,
)

__all__ = [
    "NewParticipant",
    "SubmissionInput",
    "activity_create",
    "activity_forms_set",
    "good_example_report",
    "local_item_create",
    "local_target_create",
    "responses_store",
    "schedule_add",
    "submissions_validate",
]
