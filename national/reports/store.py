"""Load a snapshot's pooled rows as DataFrames and compute its reports (national.reports)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from numpy.typing import NDArray

from instrument.models import InstrumentVersion, NationalTarget, Point
from instrument.selectors import item_pooling_keys, pooling_forms
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
        # on the codes: a pseudonym column has 10⁵ categories
        categories = series.cat.categories
        blank = int(categories.get_indexer([""])[0])
        if blank < 0:
            return series
        codes = series.cat.codes.to_numpy()
        codes = np.where(codes == blank, -1, codes - (codes > blank))
        kept = pd.Categorical.from_codes(codes, categories=categories.delete(blank))
        return pd.Series(kept, index=series.index, name=series.name)
    return series.where(series != "", None)


# Snapshots are read as a few large text values (string_agg over chunks of rows) rather than
# COPY: psycopg hands COPY data over one row per call, which costs more than the whole parse.
# Each line is a questionnaire with its answer arrays as comma lists; Arrow's CSV reader types
# the columns (strings dictionary-encoded, i.e. categoricals) and splits the lists in C++.
_CHUNKS = 32
_QUESTIONNAIRES_SQL = f"""
SELECT string_agg(
  concat_ws(E'\\t', {", ".join(POOLED_RESPONSE_COLUMNS)}, cardinality(item_ids),
            array_to_string(item_ids, ','), array_to_string(answer_values, ',', 'nan')),
  E'\\n')
FROM national_pooledresponse
WHERE snapshot_id = %(snapshot)s AND response %% %(parts)s = %(part)s
GROUP BY response %% {_CHUNKS}
"""
# concat_ws skips NULLs, so the one nullable column is written as '' (read back as missing)
_OUTCOME_TEXT = [c if c != "exit_month" else "COALESCE(exit_month::text, '')"
                 for c in POOLED_OUTCOME_COLUMNS]  # fmt: skip
_OUTCOMES_SQL = f"""
SELECT string_agg(concat_ws(E'\\t', {", ".join(_OUTCOME_TEXT)}), E'\\n')
FROM national_pooledoutcome WHERE snapshot_id = %(snapshot)s AND id %% %(parts)s = %(part)s
GROUP BY id %% {_CHUNKS}
"""
_STRING_COLUMNS = [c for c in POOLED_RESPONSE_COLUMNS if c not in {"response", "period"}]
_QUESTIONNAIRE_FIELDS = [*POOLED_RESPONSE_COLUMNS, "n_answers", "item_ids", "answer_values"]
_CATEGORY = pa.dictionary(pa.int32(), pa.string())
# in the lines' column order (the reader names columns by position)
_QUESTIONNAIRE_TYPES: dict[str, pa.DataType] = {
    **dict.fromkeys(_QUESTIONNAIRE_FIELDS, _CATEGORY),
    "response": pa.int64(),
    "period": pa.date32(),
    "n_answers": pa.int64(),
    "item_ids": pa.string(),
    "answer_values": pa.string(),
}
_OUTCOME_TYPES: dict[str, pa.DataType] = {
    **dict.fromkeys(POOLED_OUTCOME_COLUMNS, _CATEGORY),
    "pseudonym": pa.string(),
    "exit_month": pa.date32(),
    "subsidised_work": pa.bool_(),
}


# The database builds the text on one core per connection: outside a transaction (publication,
# dataset builds) a snapshot is read over this many connections at once, one share each.
READ_CONNECTIONS = 2


def _text_table(sql: str, snapshot_id: int, types: dict[str, pa.DataType]) -> pa.Table:
    """The tab-separated lines ``sql`` aggregates, as an Arrow table typed by ``types``.

    Inside a transaction block (tests, or a caller's atomic block) other connections would not
    see its rows, so the text is read on this connection alone."""
    if connection.in_atomic_block or READ_CONNECTIONS == 1:
        return _text_part(sql, snapshot_id, types, 0, 1)

    def part(index: int) -> pa.Table:
        try:
            return _text_part(sql, snapshot_id, types, index, READ_CONNECTIONS)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=READ_CONNECTIONS) as pool:
        tables = list(pool.map(part, range(READ_CONNECTIONS)))
    return pa.concat_tables(tables)


def _text_part(
    sql: str, snapshot_id: int, types: dict[str, pa.DataType], part: int, parts: int
) -> pa.Table:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"snapshot": snapshot_id, "part": part, "parts": parts})
        text = "\n".join(row[0] for row in cursor.fetchall() if row[0])
    names = list(types)
    if not text:  # nothing in this share: no rows, same columns and types
        return pa.table({c: pa.array([], type=t) for c, t in types.items()})
    # Arrow's reader parses the bytes in C++ threads, without the GIL.
    return pacsv.read_csv(
        io.BytesIO(text.encode()),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            true_values=["t", "true"],
            false_values=["f", "false"],
            # '' is a value here (blank gender, no outcome), not missing; dates have no blanks
            # but an exit month, which concat_ws leaves empty
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[""],
        ),
    )


def _split_numbers(column: pa.ChunkedArray, dtype: pa.DataType) -> NDArray[Any]:
    """A column of comma lists ("3,4,nan") as one flat numpy array of every element."""
    flat = pc.list_flatten(pc.split_pattern(column, ","))
    return pc.cast(flat, dtype).to_numpy()


def _ranges(starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenated ``arange(start, start + length)`` for each pair, without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(date_as_object=False)
    for column, dtype in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_date(dtype):
            frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def snapshot_frames(*, snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, outcomes) of a snapshot, typed as national.reports expects: one answer row per
    questionnaire and item (ordered by questionnaire), string columns as categoricals, blank
    pseudonym, gender and age band missing."""
    table = _text_table(_QUESTIONNAIRES_SQL, int(snapshot.pk), _QUESTIONNAIRE_TYPES)
    item_id = _split_numbers(table["item_ids"], pa.int64())
    raw = _split_numbers(table["answer_values"], pa.float64())
    questionnaires = _frame(table.drop_columns(["item_ids", "answer_values"]))
    n_answers = questionnaires.pop("n_answers").to_numpy()
    if item_id.size != n_answers.sum():  # the arrays' lengths are checked on insert too
        raise ValueError(f"snapshot {snapshot.pk}: answer arrays do not match their counts")
    # questionnaire order, whichever share a line came in: same frame for any number of
    # connections, and grouping by questionnaire finds its keys already sorted
    order = np.argsort(questionnaires["response"].to_numpy(), kind="stable")
    starts = np.concatenate([[0], np.cumsum(n_answers)[:-1]])
    answer_rows = _ranges(starts[order], n_answers[order])
    item_id, raw = item_id[answer_rows], raw[answer_rows]
    rows = np.repeat(order, n_answers[order])
    # items of every version by their pooling key through the crosswalk: one category per key
    keys = {pk: entry.key for pk, entry in item_pooling_keys().items()}
    known = np.array(sorted(keys), dtype=np.int64)
    key_categories = pd.Index(sorted(set(keys.values())))
    key_codes = key_categories.get_indexer([keys[i] for i in known])
    item_code = pd.Categorical.from_codes(
        key_codes[np.searchsorted(known, item_id)] if item_id.size else np.empty(0, np.int64),
        categories=key_categories,
    )
    dont_know = raw == PooledResponse.DONT_KNOW
    value = pd.array(np.where(dont_know, np.nan, raw), dtype="Int16")
    for column in ("pseudonym", "gender", "age_band"):
        questionnaires[column] = _blank_to_none(questionnaires[column])
    answers = (
        questionnaires.iloc[rows]
        .reset_index(drop=True)
        .assign(
            item_code=item_code,
            value=value,
            dont_know=dont_know,
        )
    )
    outcomes = _frame(_text_table(_OUTCOMES_SQL, int(snapshot.pk), _OUTCOME_TYPES))
    for column in ("exit_outcome", "gender", "age_band"):
        outcomes[column] = _blank_to_none(outcomes[column])
    return answers, outcomes


def target_dict(t: Any, subject: int | str | None) -> dict[str, Any]:
    """A target row as the pure reports take it (``national.reports.targets``), with its
    validity period so each result uses the target valid in its period."""
    return {
        "point": subject,
        "kind": t.kind,
        "category": t.category,
        "categories": [int(c) for c in t.categories or []],
        "percent": float(t.percent) if t.percent is not None else None,
        "mean": float(t.mean) if t.mean is not None else None,
        "outcomes": list(t.outcomes),
        "valid_from": t.valid_from.isoformat(),
        "valid_to": t.valid_to.isoformat() if t.valid_to else None,
    }


def national_targets_all() -> list[dict[str, Any]]:
    """Every national target with its validity period (results pick theirs by period)."""
    targets = NationalTarget.objects.select_related("point").order_by("point__number", "valid_from")
    return [target_dict(t, t.point.number) for t in targets]


def code_version() -> str:
    """The platform's code version (the git commit when known, else the package version)."""
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
            text=True, timeout=5, check=False,
        )  # fmt: skip
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    try:
        return version("nns-indicators")
    except PackageNotFoundError:
        return "okänd"


def instrument_map_pooled() -> Any:
    """The reports' instrument map over every version, items by their pooling keys."""
    from national.reports import InstrumentMap

    entries = item_pooling_keys().values()
    latest = InstrumentVersion.objects.order_by("-created_at", "-pk").first()
    return InstrumentMap(
        item_point={e.key: e.point for e in entries},
        point_indicator=dict(
            Point.objects.order_by("version__created_at").values_list("number", "indicator__number")
        ),
        form_items=pooling_forms(),
        scale_min=latest.scale_min if latest else 1,
        scale_max=latest.scale_max if latest else 5,
        version_only=frozenset(e.key for e in entries if not e.comparable),
    )


def national_targets_in_force(*, on: Any = None) -> list[dict[str, Any]]:
    day = on or timezone.localdate()
    targets = NationalTarget.objects.select_related("point").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    )
    return [target_dict(t, t.point.number) for t in targets]


def reports_compute(*, snapshot: Snapshot) -> dict[str, Any]:
    """Every report of ``snapshot``: the comparison reports and the validation report."""
    pooled = pooled_snapshot_read(snapshot=snapshot)
    computed = comparison_reports_compute(snapshot=snapshot, pooled=pooled)
    computed["validation"] = validation_compute(
        snapshot=snapshot,
        pooled=pooled,
        reliability=computed["reliability"],
        validity=computed["validity"],
    )
    return computed


def pooled_snapshot_read(*, snapshot: Snapshot) -> Any:
    """The snapshot's pooled rows and the instrument map (a ``PooledSnapshot``)."""
    from national import reports

    answers, outcomes = snapshot_frames(snapshot=snapshot)
    instrument = instrument_map_pooled()
    return reports.PooledSnapshot(answers=answers, outcomes=outcomes, instrument=instrument)


def comparison_reports_compute(*, snapshot: Snapshot, pooled: Any) -> dict[str, Any]:
    """The reports a run's draft is reviewed on: reliability, benchmark, validity and each
    association's own results (``association``, by slug)."""
    from national import reports

    k = snapshot.small_cell_k
    targets = national_targets_all()
    return {
        "reliability": reports.reliability_report(pooled, k=k),
        "benchmark": reports.benchmark_report(pooled, targets, k=k),
        "validity": reports.validity_report(pooled, k=k),
        # Each association's own results on the national masks and lines.
        "association": reports.association_results_all(
            pooled, targets, k=k, min_associations=settings.NNS_NATIONAL_MIN_ASSOCIATIONS
        ),
    }


def validation_compute(
    *, snapshot: Snapshot, pooled: Any, reliability: Any, validity: Any
) -> dict[str, Any]:
    """The instrument validation report (issue 16) from the same pooled rows and the
    reliability and validity reports of the snapshot."""
    from national.reports.validation import validation_report

    return validation_report(
        pooled,
        reliability,
        validity,
        snapshot_number=snapshot.number,
        code_version=code_version(),
    )


def association_own_results(*, association: Any, k: int) -> dict[str, Any]:
    """An association's results from its own schema (consent not needed: nothing leaves it),
    against the national targets and its local targets on core points. Suppression here uses
    the association's own data; pooled associations also get stored national results
    (``kind="association"`` reports), computed on the national masks and lines."""
    from django_tenants.utils import tenant_context

    from national import reports
    from pilot.models import LocalTarget
    from pilot.selectors import ANSWER_COLUMNS, ANSWERS_SQL, OUTCOME_COLUMNS, OUTCOMES_SQL
    from tenants.db import public_schema_use

    with tenant_context(association):
        answers = frame_copy_out(sql=ANSWERS_SQL, columns=ANSWER_COLUMNS)
        outcomes = frame_copy_out(sql=OUTCOMES_SQL, columns=OUTCOME_COLUMNS)
        local = [
            target_dict(t, t.point_number)
            for t in LocalTarget.objects.filter(point_number__isnull=False).order_by(
                "point_number", "valid_from"
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
    instrument = instrument_map_pooled()
    by_version = {(e.version, e.code): e.key for e in item_pooling_keys().values()}
    answers["item_code"] = [
        by_version.get((v, c), c)
        for v, c in zip(answers["instrument_version"], answers["item_code"], strict=True)
    ]
    own = reports.PooledSnapshot(answers=answers, outcomes=outcomes, instrument=instrument)
    return {
        "national": reports.association_results(own, slug, national_targets_all(), k=k),
        "local": reports.association_results(own, slug, local, k=k) if local else None,
    }
