"""National dashboard speed (issue 14.6): p50/p95 of the steering group's dashboard (default
view, a county filter, an earlier half-year, another funnel point) and of the drill-down to one
association x point, on a published snapshot of --associations associations x ~10,000
questionnaires each, against a trivial page (the national host's home page, same login and
middleware) measured in the same run. Goal: every dashboard page p95 <= 200 ms.

    DATABASE_URL=... .venv/bin/python bench/bench_dashboard.py [--associations 100]
        [--participants 1765] [--repeat 30] [--keep NAME] [--profile]

The snapshot's pooled rows come from the synthetic generator (pilot.synthetic, through
national.pooled_synthetic), cached as Parquet under .data/bench/ (generation is the slow part);
each run COPYs them into national_pooledresponse/national_pooledoutcome of a scratch database,
computes the reports through the real report step (snapshot_finish) and publishes the snapshot
(snapshot_publish). Associations are public-schema rows only (the dashboard reads no tenant
schema). ``--keep NAME`` keeps the database test_NAME and reuses its published snapshot.
In process through Django's test client (the WSGI handler: middleware, host lookup, session
login with the second factor, templates), one request at a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / ".data" / "bench"
COUNTIES = ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
            "14", "17", "18", "19", "20", "21", "22", "23", "24", "25")  # fmt: skip


def _frames(associations: int, participants: int, seed: int) -> tuple[Any, Any]:
    """(answers, outcomes) in the pooled shape, from the cache or generated and cached."""
    import pandas as pd

    base = CACHE / f"dashboard-{associations}x{participants}-s{seed}"
    answers_path, outcomes_path = (
        base.with_suffix(".answers.parquet"),
        base.with_suffix(".outcomes.parquet"),
    )
    if answers_path.exists() and outcomes_path.exists():
        return pd.read_parquet(answers_path), pd.read_parquet(outcomes_path)
    import yaml

    from national.pooled_synthetic import pooled_frames_from_synthetic
    from pilot.synthetic import AssociationSpec, forms_from_instrument, pilot_data_generate

    instrument = yaml.safe_load((ROOT / "instrument/data/instrument_v1.yaml").read_text())
    specs = [
        AssociationSpec(
            slug=f"forbund-{i:03d}",
            n_participants=participants,
            activity_names=("Arbetsmarknadstorget", "Samordningsteamet", "Unga vuxna"),
        )
        for i in range(associations)
    ]
    data = pilot_data_generate(
        associations=specs, forms=forms_from_instrument(instrument), seed=seed
    )
    answers, outcomes = pooled_frames_from_synthetic(
        data, county=lambda n, _slug: COUNTIES[n % len(COUNTIES)]
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    answers.to_parquet(answers_path)
    outcomes.to_parquet(outcomes_path)
    return answers, outcomes


def _copy(cursor: Any, sql: str, frame: Any) -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N")
    with cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def _pooled_rows(answers: Any, item_ids: dict[str, int]) -> Any:
    """One row per questionnaire with its item id and answer arrays (COPY text literals)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    answers = answers.sort_values("response", kind="stable")
    response = answers["response"].to_numpy()
    starts = np.flatnonzero(np.r_[True, response[1:] != response[:-1]])
    offsets = pa.array(np.r_[starts, len(answers)].astype(np.int32))
    ids = answers["item_code"].astype(str).map(item_ids)
    if ids.isna().any():
        raise SystemExit(f"items not in the instrument: {set(answers['item_code'][ids.isna()])}")
    value = answers["value"].astype("Int16")
    number = value.fillna(0).to_numpy(dtype=np.int64).astype(str)
    text = np.where(
        answers["dont_know"].to_numpy(dtype=bool),
        "-1",
        np.where(value.isna().to_numpy(), "NULL", number),
    )

    def joined(values: Any) -> Any:
        lists = pa.ListArray.from_arrays(offsets, pa.array(values, pa.string()))
        return "{" + pd.Series(pc.binary_join(lists, ",").to_pylist()) + "}"

    first = answers.iloc[starts].reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "response": first["response"],
            "association": first["association"],
            "county": first["county"],
            "pseudonym": first["pseudonym"].fillna(""),
            "form_code": first["form_code"],
            "occasion": first["occasion"],
            "period": pd.to_datetime(first["period"]).dt.date,
            "instrument_version": first["instrument_version"],
            "respondent": first["respondent"],
            "gender": first["gender"].fillna(""),
            "age_band": first["age_band"].fillna(""),
            "item_ids": joined(ids.astype(int).astype(str).to_numpy()),
            "answer_values": joined(text),
        }
    )
    return rows


def _snapshot_build(associations: int, participants: int, seed: int) -> None:
    """A published snapshot of the synthetic associations, through the real report step."""
    import pandas as pd
    from django.db import connection, transaction

    from instrument.models import Item
    from national.models import Snapshot, SnapshotPart
    from national.pooling import snapshot_finish
    from national.pooling.services import snapshot_publish
    from tenants.models import Association

    t = time.perf_counter()
    answers, outcomes = _frames(associations, participants, seed)
    print(f"frames: {len(answers):,} answers in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    slugs = sorted(answers["association"].astype(str).unique())
    firsts = answers.drop_duplicates("association")
    county = dict(zip(firsts["association"].astype(str), firsts["county"].astype(str), strict=True))
    Association.objects.bulk_create(
        [
            Association(
                schema_name=slug.replace("-", "_"),
                slug=slug,
                name=f"Samordningsförbundet {slug.split('-')[1]}",
                org_number=f"222{i:03d}-0000",
                county=county[slug],
                pooling_consent=True,
                pooling_consent_date=dt.date(2015, 1, 1),
                pooling_consent_given_by="bench",
            )
            for i, slug in enumerate(slugs)
        ]
    )
    item_ids = dict(Item.objects.filter(version__code="2015.1").values_list("code", "pk"))
    snapshot = Snapshot.objects.create(number=1, small_cell_k=5)
    offset = 10**10
    rows = _pooled_rows(answers.assign(response=answers["response"] + offset), item_ids)
    columns = ", ".join(rows.columns)
    out = outcomes.assign(
        pseudonym=outcomes["pseudonym"].astype(str),
        exit_month=pd.to_datetime(outcomes["exit_month"]).dt.date,
        exit_outcome=outcomes["exit_outcome"].fillna(""),
        gender=outcomes["gender"].fillna(""),
        age_band=outcomes["age_band"].fillna(""),
        subsidised_work=outcomes["subsidised_work"].map({True: "t", False: "f"}),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _copy(
            cursor,
            f"COPY national_pooledresponse (snapshot_id, {columns}) FROM STDIN",
            rows.assign(snapshot_id=snapshot.pk)[["snapshot_id", *rows.columns]],
        )
        outcome_columns = ["snapshot_id", "association", "county", "pseudonym", "exit_month",
                           "exit_outcome", "subsidised_work", "gender", "age_band"]  # fmt: skip
        _copy(
            cursor,
            f"COPY national_pooledoutcome ({', '.join(outcome_columns)}) FROM STDIN",
            out.assign(snapshot_id=snapshot.pk)[outcome_columns],
        )
        counts = answers.groupby("association", observed=True).size()
        people = outcomes.groupby("association", observed=True).size()
        SnapshotPart.objects.bulk_create(
            [
                SnapshotPart(
                    snapshot=snapshot,
                    association_slug=slug,
                    status=SnapshotPart.Status.DONE,
                    answers=int(counts.get(slug, 0)),
                    participants=int(people.get(slug, 0)),
                )
                for slug in slugs
            ]
        )
        cursor.execute("ANALYZE national_pooledresponse")
    print(
        f"loaded {len(rows):,} questionnaires of {len(slugs)} associations "
        f"in {time.perf_counter() - t:.1f} s"
    )
    t = time.perf_counter()
    snapshot = snapshot_finish(snapshot_id=snapshot.pk)
    assert snapshot.status == Snapshot.Status.DRAFT, snapshot.error
    print(f"reports computed (snapshot_finish) in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    with transaction.atomic():
        snapshot_publish(actor=None, snapshot=snapshot)
    print(f"published (snapshot_publish) in {time.perf_counter() - t:.1f} s")


def _database_exists(name: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _time(client: Any, paths: list[str], repeat: int) -> list[list[float]]:
    """Milliseconds per request of each path, ``repeat`` rounds of one request per path in
    turn: a burst of load on a shared machine then falls on every page alike."""
    for path in paths:
        response = client.get(path)  # warm caches, templates
        assert response.status_code == 200, (path, response.status_code)
    out: list[list[float]] = [[] for _ in paths]
    for _ in range(repeat):
        for times, path in zip(out, paths, strict=True):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
    return out


def _profile(client: Any, path: str) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(path)
        profiler.disable()
    print(f"--- {path}: {len(queries.captured_queries)} queries")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(
        r"(web|national|instrument|tenants|vocabulary|stats)/|template", 35
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
        print(q["time"], q["sql"][:200])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--associations", type=int, default=100)
    parser.add_argument("--participants", type=int, default=1765, help="per association")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="profile each dashboard page")
    parser.add_argument(
        "--keep", metavar="NAME", help="use (or create) the database test_NAME and keep it"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if args.keep:
        os.environ["NNS_TEST_DB_NAME"] = f"test_{args.keep}"
    os.environ.setdefault("NNS_TEST_DB_NAME", f"bench_{uuid.uuid4().hex[:8]}")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    from instrument.services import instrument_bundled_ensure
    from national.models import Snapshot
    from national.selectors import snapshot_published_latest
    from ops.demo import _demo_national_targets
    from tenants.roles import Role
    from tenants.services import national_role_grant, public_tenant_ensure
    from tests.conftest import otp_verify_session

    kept = args.keep and _database_exists(os.environ["NNS_TEST_DB_NAME"])
    if kept:
        # migrate_schemas would look for the associations' schemas, which are never made here
        connection.close()
        connection.settings_dict["NAME"] = os.environ["NNS_TEST_DB_NAME"]
        old = None
    else:
        old = setup_databases(verbosity=0, interactive=False, keepdb=bool(args.keep))
    try:
        public_tenant_ensure()
        instrument_bundled_ensure()
        _demo_national_targets()
        if snapshot_published_latest() is None:
            _snapshot_build(args.associations, args.participants, args.seed)
        snapshot = snapshot_published_latest()
        assert snapshot is not None
        from national.selectors import snapshot_coverage, snapshot_report

        coverage = snapshot_coverage(snapshot=snapshot)
        questionnaires = sum(c["answers"] for c in coverage.values())
        bench = snapshot_report(snapshot=snapshot, kind="benchmark")
        cell = next(c for c in bench["cells"] if not c.get("suppressed"))
        print(
            f"snapshot #{snapshot.number}: {questionnaires:,} questionnaires, periods "
            f"{sorted(coverage)}; benchmark report {len(bench['cells']):,} cells, "
            f"{len(bench['funnels'])} funnels"
        )
        from tenants.models import User

        user, _created = User.objects.get_or_create(username="bench-steering")
        if not user.national_roles.exists():
            national_role_grant(user=user, role=Role.STEERING_GROUP)
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="sv")
        client.force_login(user)
        otp_verify_session(client, user)
        periods = sorted(coverage)
        drill = f"/national/cell/{cell['association']}/{cell['point']}/"
        pages = [
            ("trivial page /", "/"),
            ("dashboard", "/national/"),
            ("dashboard, county", "/national/?county=24"),
            ("dashboard, period", f"/national/?period={periods[0]}"),
            ("dashboard, point", "/national/?point=14&county=01"),
            ("drill-down", drill),
            ("drill-down, county", f"{drill}?county=24&period={periods[0]}"),
        ]
        if args.profile:
            for _name, path in pages[1:]:
                _profile(client, path)
        rows = []
        measured = _time(client, [path for _name, path in pages], args.repeat)
        for (name, _path), times in zip(pages, measured, strict=True):
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rows.append((name, statistics.median(times), p95))
        base = rows[0][2]
        print(f"{'':22} {'p50 ms':>8} {'p95 ms':>8} {'x trivial p95':>14}")
        for name, p50, p95 in rows:
            print(f"{name:22} {p50:8.1f} {p95:8.1f} {p95 / base:14.1f}")
        worst = max(p95 for _n, _p50, p95 in rows[1:])
        print(f"goal p95 <= 200 ms on every dashboard page: {'met' if worst <= 200 else 'NOT met'}")
        # A process's first request after a publication reads and parses the stored reports
        # (national.report_cache); every later one finds them parsed.
        from national import report_cache

        for name, path in (pages[1], pages[5]):
            cold = []
            for _ in range(5):
                report_cache.clear()
                start = time.perf_counter()
                assert client.get(path).status_code == 200
                cold.append((time.perf_counter() - start) * 1000)
            print(f"first request of a process ({name}, reports not yet cached): "
                  f"median {statistics.median(cold):.0f} ms")  # fmt: skip
        assert Snapshot.objects.filter(status="published").count() == 1
    finally:
        connection.close()
        if not args.keep and old is not None:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
