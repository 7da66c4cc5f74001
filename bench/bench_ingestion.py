"""Ingestion speed (issue 4), every number against a baseline measured in the same run.

1. Bulk: N synthetic questionnaires through the validated import/API path
   (``responses_store``: validation of every row, then COPY) versus raw COPY of the very same
   rows with no validation. Goal: >= 5,000 questionnaires/s through the validated path.
2. Single submit under concurrency: C clients POST one questionnaire each to
   ``/api/v1/responses/`` on a gunicorn server (token auth, real HTTP over loopback);
   p50/p95 latency versus ``GET /api/v1/me/`` on the same server at the same concurrency.
   Goal: p95 <= 50 ms at 50 clients on this 2-core machine.
3. Optional ``--million``: generate_pilot_data for 100 associations x ~10,000 questionnaires.

    DATABASE_URL=... .venv/bin/python bench/bench_ingestion.py [--n 20000] [--clients 50]
        [--requests 1000] [--million]

Runs in a scratch database it creates and drops.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _submissions_from(data):
    import pandas as pd

    from pilot.services import NewParticipant, SubmissionInput

    answers = data.answers.assign(
        v=lambda a: a["value"].astype("object").where(~a["dont_know"], "dont_know")
    )
    by_key = {
        key: dict(zip(g["item_code"].astype(str), g["v"], strict=True))
        for key, g in answers.groupby("response_key", observed=True)
    }
    people = data.participants.set_index("code")
    out = []
    for r in data.responses.itertuples():
        code = None if pd.isna(r.participant_code) else str(r.participant_code)
        new = None
        if code is not None:
            p = people.loc[code]
            new = NewParticipant(str(p["gender"]), str(p["age_band"]), p["started_on"].date())
        out.append(
            SubmissionInput(
                form_code=str(r.form_code),
                occasion=str(r.occasion),
                activity=str(r.activity),
                answered_on=r.answered_on.date(),
                answers={
                    k: (None if pd.isna(v) else v)
                    for k, v in by_key.get(r.response_key, {}).items()
                },
                participant_code=code,
                new_participant=new,
                key=str(r.response_key),
            )
        )
    return out


def bench_bulk(n: int) -> None:
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from pilot.models import Response
    from pilot.services import activity_create, responses_store
    from pilot.services.synthetic_load import synthetic_data_load, synthetic_generate
    from pilot.synthetic import AssociationSpec
    from tenants.db import public_schema_use
    from tenants.models import Association

    per_participant = 5.5  # questionnaires per participant in the generator's flow
    spec = AssociationSpec(
        slug="bench-a",
        n_participants=int(n / per_participant),
        activity_names=("Bänk",),
        n_staff=10,
    )
    data = synthetic_generate(specs=[spec], seed=11)["bench-a"]
    subs = _submissions_from(data)
    rows = len(subs)
    association = Association.objects.get(slug="bench-a")
    with tenant_context(association):
        activity_create(
            name="Bänk",
            form_codes=[
                "participant_during",
                "participant_exit",
                "staff_participant",
                "staff_half_yearly",
                "manager",
                "board",
                "partner_management",
            ],
        )

        class Rollback(Exception):
            pass

        # Baseline: raw COPY of the same rows (participants, responses, answers).
        t = time.perf_counter()
        try:
            with transaction.atomic():
                synthetic_data_load(data=data)
                raise Rollback
        except Rollback:
            pass
        raw = time.perf_counter() - t

        t = time.perf_counter()
        try:
            with transaction.atomic():
                stored = responses_store(submissions=subs, source="import")
                assert len(stored) == rows
                raise Rollback
        except Rollback:
            pass
        validated = time.perf_counter() - t
        assert not Response.objects.exists()
    public_schema_use()
    print(f"bulk: {rows:,} questionnaires, {len(data.answers):,} answers")
    print(f"  raw COPY (no validation)     {raw:7.2f} s  {rows / raw:10,.0f} questionnaires/s")
    print(
        f"  validated import/API path    {validated:7.2f} s  {rows / validated:10,.0f} "
        f"questionnaires/s"
    )
    print(f"  ratio validated/raw          {validated / raw:7.2f}x")
    print(f"  goal >= 5,000/s: {'met' if rows / validated >= 5000 else 'NOT met'}")


def _latencies(
    url: str,
    host: str,
    token: str,
    body: bytes | None,
    clients: int,
    requests: int,
    think: float = 0.0,
) -> list[float]:
    """Closed loop when ``think`` is 0; otherwise each client pauses ``think`` seconds
    (exponentially distributed) between requests, as people at keyboards do."""
    lock = threading.Lock()
    out: list[float] = []
    counter = iter(range(requests))

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            payload = body.replace(b"__KEY__", f"{uuid.uuid4().hex}".encode()) if body else None
            req = urllib.request.Request(
                url,
                data=payload,
                method="POST" if body else "GET",
                headers={
                    "Host": host,
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as resp:
                resp.read()
                assert resp.status in (200, 201), resp.status
            with lock:
                out.append(time.perf_counter() - t)
            if think:
                time.sleep(random.expovariate(1 / think))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out


def bench_single(clients: int, requests: int, db_url: str) -> None:
    from django_tenants.utils import tenant_context
    from rest_framework.authtoken.models import Token

    from tenants.models import Association
    from tenants.roles import Role
    from tenants.services import membership_grant, user_create

    association = Association.objects.get(slug="bench-a")
    user = user_create(username=f"bench-{uuid.uuid4().hex[:6]}", password=uuid.uuid4().hex)
    membership_grant(user=user, association=association, role=Role.ASSOCIATION_ADMIN)
    token = Token.objects.create(user=user).key
    with tenant_context(association):
        from pilot.models import Activity

        Activity.objects.get_or_create(name="Bänk", defaults={"form_codes": ["board"]})
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    host = "bench-a.localhost"
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # wait until gunicorn accepts connections
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        body = json.dumps(
            {
                "submissions": [
                    {
                        "form_code": "board",
                        "occasion": "half_yearly",
                        "activity": "Bänk",
                        "answered_on": "2016-06-01",
                        "answers": {"p21": 4, "p24": 5, "p25": 3},
                        "key": "__KEY__",
                    }
                ]
            }
        ).encode()
        _latencies(f"{base}/api/v1/responses/", host, token, body, 4, 40)  # warm-up
        me = _latencies(f"{base}/api/v1/me/", host, token, None, clients, requests)
        post = _latencies(f"{base}/api/v1/responses/", host, token, body, clients, requests)
        # Open loop: the same clients, each pausing ~0.5 s between submits (~100 req/s offered).
        me_paced = _latencies(f"{base}/api/v1/me/", host, token, None, clients, requests, 0.5)
        post_paced = _latencies(
            f"{base}/api/v1/responses/", host, token, body, clients, requests, 0.5
        )
    finally:
        server.terminate()
        server.wait(timeout=20)

    def pct(xs: list[float], q: int) -> float:
        return statistics.quantiles(xs, n=100)[q - 1] * 1000

    print(f"single submit: {requests} requests, {clients} concurrent clients, gunicorn 4x8")
    print(f"  GET /api/v1/me/ (baseline)   p50 {pct(me, 50):6.1f} ms   p95 {pct(me, 95):6.1f} ms")
    print(
        f"  POST one questionnaire       p50 {pct(post, 50):6.1f} ms   p95 {pct(post, 95):6.1f} ms"
    )
    print(f"  ratio p95 submit/baseline    {pct(post, 95) / pct(me, 95):6.2f}x")
    print(f"  closed-loop goal p95 <= 50 ms: {'met' if pct(post, 95) <= 50 else 'NOT met'}")
    print(f"paced: {clients} clients, each ~0.5 s between requests (~{clients * 2} req/s offered)")
    print(
        f"  GET /api/v1/me/ (baseline)   p50 {pct(me_paced, 50):6.1f} ms   "
        f"p95 {pct(me_paced, 95):6.1f} ms"
    )
    print(
        f"  POST one questionnaire       p50 {pct(post_paced, 50):6.1f} ms   "
        f"p95 {pct(post_paced, 95):6.1f} ms"
    )
    print(f"  ratio p95 submit/baseline    {pct(post_paced, 95) / pct(me_paced, 95):6.2f}x")
    print(f"  paced goal p95 <= 50 ms: {'met' if pct(post_paced, 95) <= 50 else 'NOT met'}")


def bench_million() -> None:
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("generate_pilot_data", associations=100, participants=1765, seed=1, prefix="m")
    print(
        f"million: generate_pilot_data 100 x ~10,000 questionnaires in "
        f"{time.perf_counter() - t:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--million", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("NNS_TEST_DB_NAME", f"bench_{uuid.uuid4().hex[:8]}")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from instrument.services import instrument_bundled_ensure
    from tenants.services import association_create, public_tenant_ensure, template_schema_ensure

    old = setup_databases(verbosity=0, interactive=False)
    try:
        public_tenant_ensure()
        instrument_bundled_ensure()
        template_schema_ensure()
        association_create(
            name="Bänkförbundet", slug="bench-a", org_number="202100-5448", county="01"
        )
        s = connection.settings_dict
        db_url = (
            f"postgresql://{s['USER']}@/{s['NAME']}?host={s['HOST']}"
            if s["HOST"].startswith("/")
            else f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/"
            f"{s['NAME']}"
        )
        connection.close()
        bench_bulk(args.n)
        bench_single(args.clients, args.requests, db_url)
        if args.million:
            bench_million()
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
