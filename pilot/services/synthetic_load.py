"""Load generated pilot data (pilot.synthetic) into the current association's schema by COPY."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml
from django.db import transaction
from django.utils import timezone

from instrument.models import Form, Item
from instrument.selectors import instrument_version_current
from instrument.services import BUNDLED_VERSION_FILE
from pilot.bulk import frame_copy, ids_reserve
from pilot.models import Activity, Participant, Response
from pilot.synthetic import (
    FOLLOWUP_MONTHS,
    AssociationSpec,
    FormSpec,
    SyntheticData,
    forms_from_instrument,
    pilot_data_generate,
)
from tenants.audit import audit_record_here
from tenants.models import User


@dataclass(frozen=True)
class LoadCounts:
    participants: int
    responses: int
    answers: int


def instrument_form_specs() -> list[FormSpec]:
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        return forms_from_instrument(yaml.safe_load(fh))


def synthetic_generate(*, specs: Sequence[AssociationSpec], seed: int) -> dict[str, SyntheticData]:
    return pilot_data_generate(associations=specs, forms=instrument_form_specs(), seed=seed)


SYNTHETIC_TABLES = ("pilot_participant", "pilot_response", "pilot_answer")


@transaction.atomic
def synthetic_data_load(*, data: SyntheticData, actor: User | None) -> LoadCounts:
    """Write one association's generated frames into the current schema (all or nothing).

    Callers that load a whole association run ``tables_analyze(tables=SYNTHETIC_TABLES)``
    afterwards (the ingestion bench's raw-COPY baseline does not)."""
    version = instrument_version_current()
    assert version is not None
    form_codes = list(Form.objects.filter(version=version).values_list("code", flat=True))
    now = timezone.now()

    names = sorted(
        set(data.participants["activity"].dropna().astype(str))
        | set(data.responses["activity"].dropna().astype(str))
    )
    activities = {a.name: a.pk for a in Activity.objects.filter(name__in=names)}
    for name in names:
        if name not in activities:
            activities[name] = Activity.objects.create(
                name=name, description="Syntetiska demodata", form_codes=form_codes
            ).pk

    p = data.participants
    participants = pd.DataFrame(
        {
            "code": p["code"].astype(str),
            "gender": p["gender"].astype(str),
            "age_band": p["age_band"].astype(str),
            "activity_id": p["activity"].astype(str).map(activities),
            "started_on": p["started_on"],
            "exited_on": p["exited_on"],
            "exit_outcome": p["exit_outcome"].astype(object).where(p["exit_outcome"].notna(), ""),
            "subsidised_work": p["subsidised_work"],
            "followup_months": pd.Series(FOLLOWUP_MONTHS, index=p.index, dtype="Int16").where(
                p["followup_status"].notna()
            ),
            "followup_status": p["followup_status"]
            .astype(object)
            .where(p["followup_status"].notna(), ""),
            "created_at": now.isoformat(),
        }
    )
    frame_copy(
        table="pilot_participant",
        frame=participants,
        not_null_text=["exit_outcome", "followup_status"],
    )
    participant_ids = dict(
        Participant.objects.filter(code__in=participants["code"].tolist()).values_list("code", "id")
    )

    r = data.responses
    ids = np.asarray(ids_reserve(table="pilot_response", count=len(r)), dtype=np.int64)
    responses = pd.DataFrame(
        {
            "id": ids,
            "key": r["response_key"].astype(str),
            "instrument_version_id": version.pk,
            "form_code": r["form_code"].astype(str),
            "occasion": r["occasion"].astype(str),
            "activity_id": r["activity"].astype(str).map(activities),
            "participant_id": pd.array(
                r["participant_code"].astype(object).map(participant_ids), dtype="Int64"
            ),
            "respondent": r["respondent"].astype(str),
            "answered_on": r["answered_on"],
            "source": Response.Source.SYNTHETIC,
            "status": Response.Status.SUBMITTED,
            "created_at": now.isoformat(),
        }
    )
    frame_copy(table="pilot_response", frame=responses)

    a = data.answers
    item_ids = dict(Item.objects.filter(version=version).values_list("code", "id"))
    # answers.response_key's categories are the responses' keys in row order.
    response_ids = ids[a["response_key"].cat.codes.to_numpy()]
    answers = pd.DataFrame(
        {
            "response_id": response_ids,
            "item_id": a["item_code"].astype(str).map(item_ids),
            "value": a["value"],
            "dont_know": a["dont_know"],
            "text": "",
        }
    )
    frame_copy(table="pilot_answer", frame=answers, not_null_text=["text"])
    counts = LoadCounts(len(participants), len(responses), len(answers))
    audit_record_here(
        action="pilot.synthetic_data_loaded",
        actor=actor,
        participants=counts.participants,
        responses=counts.responses,
        answers=counts.answers,
    )
    return counts
