"""Load a snapshot's pooled rows as DataFrames and compute its reports (national.reports)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml
from django.db.models import Q
from django.utils import timezone

from instrument.models import NationalTarget
from instrument.services import BUNDLED_VERSION_FILE
from national.models import Snapshot
from pilot.bulk import frame_copy_out

POOLED_ANSWER_COLUMNS = [
    "association",
    "county",
    "response",
    "pseudonym",
    "form_code",
    "occasion",
    "period",
    "instrument_version",
    "respondent",
    "gender",
    "age_band",
    "item_code",
    "value",
    "dont_know",
]
POOLED_OUTCOME_COLUMNS = [
    "association",
    "county",
    "pseudonym",
    "exit_month",
    "exit_outcome",
    "subsidised_work",
    "gender",
    "age_band",
]


def _blank_to_none(series: pd.Series) -> pd.Series:
    return series.where(series != "", None)


def snapshot_frames(*, snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, outcomes) of a snapshot, typed as national.reports expects."""
    sid = int(snapshot.pk)
    answers = frame_copy_out(
        sql=f"COPY (SELECT {', '.join(POOLED_ANSWER_COLUMNS)} FROM national_pooledanswer "
        f"WHERE snapshot_id = {sid}) TO STDOUT WITH (FORMAT csv)",
        columns=POOLED_ANSWER_COLUMNS,
    )
    answers = answers.assign(
        response=answers["response"].astype("int64"),
        period=pd.to_datetime(answers["period"]),
        value=pd.to_numeric(answers["value"]).astype("Int16"),
        dont_know=answers["dont_know"] == "t",
        pseudonym=_blank_to_none(answers["pseudonym"]),
        gender=_blank_to_none(answers["gender"]),
        age_band=_blank_to_none(answers["age_band"]),
    )
    outcomes = frame_copy_out(
        sql=f"COPY (SELECT {', '.join(POOLED_OUTCOME_COLUMNS)} FROM national_pooledoutcome "
        f"WHERE snapshot_id = {sid}) TO STDOUT WITH (FORMAT csv)",
        columns=POOLED_OUTCOME_COLUMNS,
    )
    outcomes = outcomes.assign(
        exit_month=pd.to_datetime(outcomes["exit_month"].where(outcomes["exit_month"] != "")),
        exit_outcome=_blank_to_none(outcomes["exit_outcome"]),
        subsidised_work=outcomes["subsidised_work"] == "t",
        gender=_blank_to_none(outcomes["gender"]),
        age_band=_blank_to_none(outcomes["age_band"]),
    )
    return answers, outcomes


def national_targets_in_force(*, on: Any = None) -> list[dict[str, Any]]:
    day = on or timezone.localdate()
    targets = NationalTarget.objects.select_related("point").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    )
    return [
        {
            "point": t.point.number,
            "kind": t.kind,
            "category": t.category,
            "percent": float(t.percent) if t.percent is not None else None,
            "mean": float(t.mean) if t.mean is not None else None,
            "outcomes": list(t.outcomes),
        }
        for t in targets
    ]


def reports_compute(*, snapshot: Snapshot) -> dict[str, Any]:
    from national import reports

    answers, outcomes = snapshot_frames(snapshot=snapshot)
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        instrument = reports.instrument_map_from_yaml(yaml.safe_load(fh))
    pooled = reports.PooledSnapshot(answers=answers, outcomes=outcomes, instrument=instrument)
    k = snapshot.small_cell_k
    targets = national_targets_in_force()
    return {
        "reliability": reports.reliability_report(pooled, k=k),
        "benchmark": reports.benchmark_report(pooled, targets, k=k),
        "validity": reports.validity_report(pooled, k=k),
        # Each association's own results on the national masks and lines.
        "association": reports.association_results_all(pooled, targets, k=k),
    }


def association_own_results(*, association: Any, k: int) -> dict[str, Any]:
    """An association's results from its own schema (consent not needed: nothing leaves it),
    against the national targets and its local targets on core points. Suppression here uses
    the association's own data; pooled associations also get stored national results
    (``kind="association"`` reports), computed on the national masks and lines."""
    from django_tenants.utils import tenant_context

    from national import reports
    from national.services import ANSWER_COLUMNS, ANSWERS_SQL, OUTCOME_COLUMNS, OUTCOMES_SQL
    from pilot.models import LocalTarget
    from tenants.db import public_schema_use

    with tenant_context(association):
        answers = frame_copy_out(sql=ANSWERS_SQL, columns=ANSWER_COLUMNS)
        outcomes = frame_copy_out(sql=OUTCOMES_SQL, columns=OUTCOME_COLUMNS)
        local = [
            {
                "point": t.point_number,
                "kind": t.kind,
                "category": t.category,
                "percent": float(t.percent) if t.percent is not None else None,
                "mean": float(t.mean) if t.mean is not None else None,
                "outcomes": list(t.outcomes),
            }
            for t in LocalTarget.objects.filter(point_number__isnull=False).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()),
                valid_from__lte=timezone.localdate(),
            )
        ]
    public_schema_use()
    slug, county = association.slug, association.county
    answers = answers.assign(
        association=slug,
        county=county,
        pseudonym=_blank_to_none(answers.pop("code")),
        response=answers["response"].astype("int64"),
        period=pd.to_datetime(answers["period"]),
        value=pd.to_numeric(answers["value"]).astype("Int16"),
        dont_know=answers["dont_know"] == "t",
        gender=_blank_to_none(answers["gender"]),
        age_band=_blank_to_none(answers["age_band"]),
    )
    outcomes = outcomes.assign(
        association=slug,
        county=county,
        pseudonym=outcomes.pop("code"),
        exit_month=pd.to_datetime(outcomes["exit_month"].where(outcomes["exit_month"] != "")),
        exit_outcome=_blank_to_none(outcomes["exit_outcome"]),
        subsidised_work=outcomes["subsidised_work"] == "t",
        gender=_blank_to_none(outcomes["gender"]),
        age_band=_blank_to_none(outcomes["age_band"]),
    )
    with BUNDLED_VERSION_FILE.open(encoding="utf-8") as fh:
        instrument = reports.instrument_map_from_yaml(yaml.safe_load(fh))
    own = reports.PooledSnapshot(answers=answers, outcomes=outcomes, instrument=instrument)
    return {
        "national": reports.association_results(own, slug, national_targets_in_force(), k=k),
        "local": reports.association_results(own, slug, local, k=k) if local else None,
    }
