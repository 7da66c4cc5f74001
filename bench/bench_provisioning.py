"""Provisioning speed: association_create (clone of the template schema, row, domain, audit)
against the floor of creating one empty schema, measured in the same run.

    DATABASE_URL=… .venv/bin/python bench/bench_provisioning.py [--n 10]

Goal (issue 2): ≤ 0.5 s per association. Runs in a scratch database it creates and drops.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tenants.services import association_create, public_tenant_ensure, template_schema_ensure
    from tenants.validators import luhn_check_digit

    os.environ.setdefault("NNS_TEST_DB_NAME", f"bench_{uuid.uuid4().hex[:8]}")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        public_tenant_ensure()
        template_schema_ensure()
        bare, full = [], []
        for i in range(args.n):
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "bare_{i}"')
            bare.append(time.perf_counter() - t)

            prefix = f"2220{i:05d}"
            t = time.perf_counter()
            if os.environ.get("BENCH_PROFILE") and i == args.n - 1:
                import cProfile

                prof = cProfile.Profile()
                prof.enable()
            association_create(
                name=f"Bench {i}",
                slug=f"bench-{i}",
                county="01",
                org_number=f"{prefix[:6]}-{prefix[6:]}{luhn_check_digit(prefix)}",
            )
            full.append(time.perf_counter() - t)
            if os.environ.get("BENCH_PROFILE") and i == args.n - 1:
                prof.disable()
                prof.print_stats("cumtime")
        med_full, med_bare = statistics.median(full), statistics.median(bare)
        print(f"associations created: {args.n}")
        tenth = max(1, args.n // 10)
        print(
            f"first {tenth} median {statistics.median(full[:tenth]) * 1000:7.1f} ms, "
            f"last {tenth} median {statistics.median(full[-tenth:]) * 1000:7.1f} ms "
            "(does provisioning slow down as associations accumulate?)"
        )
        print(
            f"association_create  median {med_full * 1000:7.1f} ms  max {max(full) * 1000:7.1f} ms"
        )
        print(f"bare CREATE SCHEMA  median {med_bare * 1000:7.1f} ms")
        print(f"ratio create/bare   {med_full / med_bare:7.1f}x")
        print(f"goal ≤ 500 ms: {'met' if med_full <= 0.5 else 'NOT met'}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
