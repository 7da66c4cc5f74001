"""Writes inside the current association's schema, one module per concern."""

from pilot.services.bokslut import bokslut_introduction_save
from pilot.services.configuration import (
    activity_create,
    activity_forms_set,
    local_item_create,
    schedule_add,
)
from pilot.services.good_examples import good_example_report
from pilot.services.invitation_mail import (
    invitation_mark_opened,
    invitations_remind,
    invitations_send,
)
from pilot.services.invitations import (
    InvitationUnusable,
    invitation_draft_save,
    invitation_open,
    invitation_submit,
    invitations_issue,
)
from pilot.services.participants import (
    municipality_year_delete,
    municipality_year_update,
    municipality_year_upsert,
    municipality_years_import,
    participant_exit_record,
    participant_register,
)
from pilot.services.placement import local_item_place
from pilot.services.recipients import participant_emails_set, recipient_remove, recipients_add
from pilot.services.schedules import schedules_run
from pilot.services.submissions import (
    IdempotencyKeyReused,
    NewParticipant,
    StoredResponses,
    SubmissionInput,
    responses_store,
    responses_submit,
    submissions_validate,
)
from pilot.services.targets import local_target_create, local_target_end, local_target_update

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
    "invitation_mark_opened",
    "invitation_open",
    "invitation_submit",
    "invitations_issue",
    "invitations_remind",
    "invitations_send",
    "local_item_create",
    "local_item_place",
    "local_target_create",
    "local_target_end",
    "local_target_update",
    "municipality_year_delete",
    "municipality_year_update",
    "municipality_year_upsert",
    "municipality_years_import",
    "participant_emails_set",
    "participant_exit_record",
    "participant_register",
    "recipient_remove",
    "recipients_add",
    "responses_store",
    "responses_submit",
    "schedule_add",
    "schedules_run",
    "submissions_validate",
]
