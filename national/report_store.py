"""Load a snapshot's pooled rows as DataFrames and compute its reports (national.reports)."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from numpy.typing import NDArray

from instrument.models import Item, NationalTarget
from instrument.services import BUNDLED_VERSION_FILE
from national.models import PooledResponse, Snapshot
from pilot.bulk import frame_copy_out

# Questionnaire-level columns of national_pooledresponse, in snapshot_frames' answer order.
POOLED_RESPONSE_COLUMNS = [
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
]
POOLED_ANSWER_COLUMNS = [*POOLED_RESPONSE_COLUMNS, "item_code", "value", "dont_know"]
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
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.remove_categories([c for c in series.cat.categories if c == ""])
    return series.where(series != "", None)


# Snapshots are read as a few large text values (string_agg over chunks of questionnaires)
# rather than COPY: psycopg hands COPY data over one row per call, which costs more than the
# whole parse. Each line is a questionnaire with its answer arrays in PostgreSQL's array text
# form; one ``read_csv`` types the columns in C and one ``np.fromstring`` per array column
# parses every answer.
_CHUNKS = 32
_QUESTIONNAIRES_SQL = f"""
SELECT string_agg(
  concat_ws(E'\\t', {", ".join(POOLED_RESPONSE_COLUMNS)}, cardinality(item_ids),
            array_to_string(item_ids, ','), array_to_string(answer_values, ',', 'nan')),
  E'\\n')
FROM national_pooledresponse WHERE snapshot_id = %(snapshot)s
GROUP BY response %% {_CHUNKS}
"""
_STRING_COLUMNS = [c for c in POOLED_RESPONSE_COLUMNS if c not in {"response", "period"}]


_QUESTIONNAIRE_FIELDS = [*POOLED_RESPONSE_COLUMNS, "n_answers", "item_ids", "answer_values"]
_QUESTIONNAIRE_TYPES: dict[str, Any] = {
    **dict.fromkeys(_STRING_COLUMNS, "category"),
    "response": "int64",
    "period": object,
    "n_answers": "int64",
    "item_ids": object,
    "answer_values": object,
}


def _questionnaires(snapshot_id: int) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(_QUESTIONNAIRES_SQL, {"snapshot": snapshot_id})
        text = "\n".join(row[0] for row in cursor.fetchall() if row[0])
    if not text:  # an empty snapshot: no questionnaires, same columns and types
        return pd.DataFrame(
            {c: pd.Series(dtype=_QUESTIONNAIRE_TYPES[c]) for c in _QUESTIONNAIRE_FIELDS}
        )
    return pd.read_csv(
        io.StringIO(text),
        sep="\t",
        names=_QUESTIONNAIRE_FIELDS,
        header=None,
        dtype={c: str if t is object else t for c, t in _QUESTIONNAIRE_TYPES.items()},
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
    )


def _parse_ints(column: pd.Series, dtype: type) -> NDArray[Any]:
    if column.empty:
        return np.empty(0, dtype=dtype)
    return np.fromstring(",".join(column.tolist()), sep=",", dtype=dtype)


def snapshot_frames(*, snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, outcomes) of a snapshot, typed as national.reports expects: one answer row per
    questionnaire and item (ordered by questionnaire), string columns as categoricals, blank
    pseudonym, gender and age band missing."""
    questionnaires = _questionnaires(int(snapshot.pk))
    item_id = _parse_ints(questionnaires.pop("item_ids"), np.int64)
    raw = _parse_ints(questionnaires.pop("answer_values"), np.float64)
    codes = dict(Item.objects.values_list("id", "code"))
    known = np.array(sorted(codes), dtype=np.int64)
    item_code = pd.Categorical.from_codes(
        np.searchsorted(known, item_id), categories=[codes[i] for i in known]
    )
    dont_know = raw == PooledResponse.DONT_KNOW
    value = pd.array(np.where(dont_know, np.nan, raw), dtype="Int16")
    rows = np.repeat(np.arange(len(questionnaires)), questionnaires.pop("n_answers").to_numpy())
    for column in ("pseudonym", "gender", "age_band"):
        questionnaires[column] = _blank_to_none(questionnaires[column])
    questionnaires["period"] = pd.to_datetime(questionnaires["period"])
    answers = (
        questionnaires.iloc[rows]
        .reset_index(drop=True)
        .assign(
            item_code=item_code,
            value=value,
            dont_know=dont_know,
        )
    )
    outcomes = frame_copy_out(
        sql=f"COPY (SELECT {', '.join(POOLED_OUTCOME_COLUMNS)} FROM national_pooledoutcome "
        f"WHERE snapshot_id = {int(snapshot.pk)}) TO STDOUT WITH (FORMAT csv)",
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
