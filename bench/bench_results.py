"""Own results and the social accounting report (issue 13.5): p50/p95 of /results/, the
bokslut page, its JSON and its PDF for an association with ~10,000 questionnaires, against a
trivial page (the association's home page, same login and middleware) measured in the same run.
Goal: /results/ and the bokslut page p95 <= 200 ms.

    DATABASE_URL=... .venv/bin/python bench/bench_results.py [--questionnaires 10000]
        [--repeat 30]

In process through Django's test client (the WSGI handler: middleware, django-tenants' host
lookup, session login, templates), one request at a time; runs in a scratch database it creates
and drops. Every survey point has a national target (80 % answering 4 or higher) and the
register point one on exits to work or studies, as in the demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _load(questionnaires: int) -> tuple[int, int]:
    from django_tenants.utils import tenant_context

    from instrument.models import Point
    from instrument.selectors import instrument_version_current
    from instrument.services import national_target_create
    from pilot.models import Response
    from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
    from pilot.synthetic import AssociationSpec
    from tenants.models import Association

    spec = AssociationSpec(
        slug="bench-r", n_participants=int(questionnaires / 5.5), activity_names=("Bänk",),
        n_staff=10,
    )  # fmt: skip
    data = synthetic_generate(specs=[spec], seed=5)["bench-r"]
    association = Association.objects.get(slug="bench-r")
    with tenant_context(association):
        synthetic_data_load(data=data, actor=None)
        # autovacuum would analyse the freshly loaded tables within a minute; without
        # statistics the planner picks nested loops for the grouped scans
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        n = Response.objects.count()
        year = Response.objects.order_by("-answered_on").values_list("answered_on", flat=True)[0]
    for point in Point.objects.filter(version=instrument_version_current()):
        register = point.source == Point.Source.REGISTER
        national_target_create(
            point=point, kind="register_share" if register else "share_at_least",
            category=None if register else 4, percent=Decimal(30 if register else 80),
            outcomes=["work", "studies"] if register else [], valid_from=dt.date(2015, 1, 1),
            actor=None,
        )  # fmt: skip
    return n, year.year


def _time(client, path: str, repeat: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm caches, templates
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return out


def _profile(client, path: str) -> None:
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
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(
        r"wt/bokslut/(web|pilot|national|instrument|tenants)|template", 30
    )
    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]
    for q in slow:
        print(q["time"], q["sql"][:300])
    from django_tenants.utils import schema_context

    with schema_context("bench-r".replace("-", "_")), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow[0]["sql"])
        print("\n".join(r[0] for r in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questionnaires", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print /results/'s top costs")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("NNS_TEST_DB_NAME", f"bench_{uuid.uuid4().hex[:8]}")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases

    from instrument.services import instrument_bundled_ensure
    from tenants.roles import Role
    from tenants.services import association_create, public_tenant_ensure, template_schema_ensure
    from tests.factories import user_with_role

    old = setup_databases(verbosity=0, interactive=False)
    try:
        public_tenant_ensure()
        instrument_bundled_ensure()
        template_schema_ensure()
        association = association_create(
            name="Bänkförbundet", slug="bench-r", org_number="202100-5448", county="24"
        )
        start = time.perf_counter()
        n, year = _load(args.questionnaires)
        print(f"loaded {n} questionnaires in {time.perf_counter() - start:.1f} s; year {year}")
        client = Client(HTTP_HOST="bench-r.localhost", HTTP_ACCEPT_LANGUAGE="sv")
        client.force_login(user_with_role(Role.ASSOCIATION_ADMIN, association))
        pages = [
            ("trivial page /", "/", args.repeat),
            ("/results/", f"/results/?year={year}", args.repeat),
            ("bokslut page", f"/results/bokslut/{year}/", args.repeat),
            ("bokslut JSON (API)", f"/api/v1/results/bokslut/{year}/", args.repeat),
            ("bokslut PDF", f"/results/bokslut/{year}/pdf/", max(3, args.repeat // 10)),
        ]
        if args.profile:
            _profile(client, f"/results/?year={year}")
        rows = []
        for name, path, repeat in pages:
            times = sorted(_time(client, path, repeat))
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rows.append((name, statistics.median(times), p95))
        base = rows[0][2]
        print(f"{'':22} {'p50 ms':>8} {'p95 ms':>8} {'x trivial p95':>14}")
        for name, p50, p95 in rows:
            print(f"{name:22} {p50:8.1f} {p95:8.1f} {p95 / base:14.1f}")
        for name, _p50, p95 in rows[1:3]:
            print(f"goal p95 <= 200 ms for {name}: {'met' if p95 <= 200 else 'NOT met'}")
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
