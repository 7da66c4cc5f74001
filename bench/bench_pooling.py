"""Pooling speed (issue 6): pool N associations x ~10,000 questionnaires and build every report,
against the floor of ``COPY … TO STDOUT`` of the same answer rows, measured in the same run.

    DATABASE_URL=... .venv/bin/python bench/bench_pooling.py [--associations 100]
        [--participants 1765]

Goal: pooling + full report <= 3x the COPY floor. Parts are extracted ``--workers`` at a time
(default 2, the deployed worker's concurrency: the chord runs them side by side); the floor is
one COPY stream. Runs in a scratch database it drops (``--keep NAME`` keeps and reuses one).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--associations", type=int, default=100)
    parser.add_argument("--participants", type=int, default=1765)
    parser.add_argument("--profile", action="store_true", help="cProfile the report phase")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="parts extracted at once, as the chord's worker processes do "
        "(deploy/compose.yaml: --concurrency=2); 1 = one after another",
    )
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="use (or create) the scratch database test_NAME and keep it afterwards: "
        "generating the data is most of a run, so repeated measurements reuse it",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if args.keep:
        os.environ["NNS_TEST_DB_NAME"] = f"test_{args.keep}"
    os.environ.setdefault("NNS_TEST_DB_NAME", f"bench_{uuid.uuid4().hex[:8]}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_databases, teardown_databases
    from django_tenants.utils import tenant_context

    from instrument.services import instrument_bundled_ensure
    from national.models import PooledResponse, Snapshot
    from national.pooling import snapshot_finish, snapshot_part_extract, snapshot_start
    from national.pooling.finish import snapshot_validation_store
    from ops.demo import _demo_national_targets
    from tenants.db import public_schema_use
    from tenants.models import Association
    from tenants.services import public_tenant_ensure, template_schema_ensure

    old = setup_databases(verbosity=0, interactive=False, keepdb=bool(args.keep))
    try:
        public_tenant_ensure()
        instrument_bundled_ensure()
        template_schema_ensure()
        _demo_national_targets()
        existing = Association.objects.exclude(schema_name="public").count()
        if existing not in (0, args.associations):
            raise SystemExit(
                f"--keep database holds {existing} associations, not {args.associations}"
            )
        if not existing:
            call_command(
                "generate_pilot_data",
                associations=args.associations,
                participants=args.participants,
                seed=3,
                prefix="p",
                verbosity=0,
            )
        # A kept database may hold an earlier run's snapshot; every run pools from scratch.
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE national_snapshot, national_pooledresponse, national_pooledoutcome "
                "CASCADE"
            )
        Association.objects.exclude(schema_name="public").update(
            pooling_consent=True,
            pooling_consent_date="2015-01-01",
            pooling_consent_given_by="bench",
        )
        associations = list(Association.objects.exclude(schema_name="public"))

        # Floor: COPY every association's answer rows (the same join) to STDOUT.
        from pilot.selectors import ANSWERS_SQL

        t = time.perf_counter()
        rows = 0
        for association in associations:
            with tenant_context(association), connection.cursor() as cursor:
                buffer = io.BytesIO()
                with cursor.copy(ANSWERS_SQL) as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                rows += buffer.getvalue().count(b"\n")
        public_schema_use()
        floor = time.perf_counter() - t

        t = time.perf_counter()
        with transaction.atomic():
            snapshot = snapshot_start(actor=None, queue=False)

        def extract_part(slug: str) -> None:
            # A thread per worker process of the chord, each with its own connection (the
            # database does the work, so the GIL is not what limits this).
            try:
                snapshot_part_extract(snapshot_id=snapshot.pk, association_slug=slug)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            list(pool.map(extract_part, [a.slug for a in associations]))
        extract = time.perf_counter() - t
        import national.reports  # noqa: F401  (a worker has it loaded: scipy.stats alone is ~1 s)

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t = time.perf_counter()
        # the report step up to the draft (what the steering group reviews); the validation
        # report follows it in the same task and is timed apart (bench_validation.py too)
        snapshot_finish(snapshot_id=snapshot.pk, validation=False)
        report = time.perf_counter() - t
        t = time.perf_counter()
        snapshot_validation_store(snapshot=Snapshot.objects.get(pk=snapshot.pk))
        validation = time.perf_counter() - t
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        snapshot = Snapshot.objects.get(pk=snapshot.pk)
        assert snapshot.status == "draft", snapshot.error
        assert snapshot.reports.filter(kind="validation").exists()
        pooled = sum(p.answers for p in snapshot.parts.all())
        assert pooled == rows, (pooled, rows)
        assert PooledResponse.objects.filter(snapshot=snapshot).exists()
        total = extract + report
        print(f"{len(associations)} associations, {rows:,} answer rows")
        print(f"  floor: COPY TO STDOUT of the same rows   {floor:7.1f} s")
        print(
            f"  pooling (extract, pseudonymise, insert; {args.workers} part(s) at a time) "
            f"{extract:7.1f} s"
        )
        print(f"  reports (reliability, benchmark, validity, per association) {report:7.1f} s")
        print(
            f"  then the validation report (after the draft; re-reads the rows) {validation:7.1f} s"
        )
        print(f"  ratio (pooling + reports) / floor        {total / floor:7.1f}x")
        print(f"  goal <= 3x: {'met' if total / floor <= 3 else 'NOT met'}")
    finally:
        connection.close()
        if not args.keep:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
