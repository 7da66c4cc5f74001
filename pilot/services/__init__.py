"""Writes inside the current association's schema, one module per concern."""

from pilot.services.bokslut import bokslut_introduction_save
from pilot.services.configuration import (
    activity_create,
    activity_forms_set,
    local_item_create,
    local_target_create,
    schedule_add,
)
from pilot.services.good_examples import good_example_report
from pilot.services.invitations import (
    InvitationUnusable,
    invitation_draft_save,
    invitation_open,
    invitation_submit,
    invitations_issue,
)
from pilot.services.participants import (
    municipality_year_upsert,
    municipality_years_import,
    participant_exit_record,
    participant_register,
)
from pilot.services.submissions import (
    IdempotencyKeyReused,
    NewParticipant,
    StoredResponses,
    SubmissionInput,
    responses_store,
    responses_submit,
    submissions_validate,
)

__all__ = [
    "IdempotencyKeyReused",
    "InvitationUnusable",
    "NewParticipant",
    "StoredResponses",
    "SubmissionInput",
    "activity_create",
    "activity_forms_set",
    "bokslut_introduction_save",
    "good_example_report",
    "invitation_draft_save",
    "invitation_open",
    "invitation_submit",
    "invitations_issue",
    "local_item_create",
    "local_target_create",
    "municipality_year_upsert",
    "municipality_years_import",
    "participant_exit_record",
    "participant_register",
    "responses_store",
    "responses_submit",
    "schedule_add",
    "submissions_validate",
]
