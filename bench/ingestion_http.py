"""Ingestion bench, single submits (issue 4, part 2 of ``bench/bench_ingestion.py``): one
request at a time in process, and gunicorn under C concurrent clients over HTTP, closed loop
and paced. Every number is set against the health and /me/ baselines of the same run."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- Single submit under concurrency -------------------------------------------------------

SUBMIT_BODY = {
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


@dataclass(frozen=True)
class Server:
    """How gunicorn serves the bench: ``sync`` (one request per process at a time, no
    keep-alive) or ``gthread`` (threads per process, keep-alive connections). The default is
    deploy/gunicorn.conf.py's."""

    worker_class: str = "gthread"
    workers: int = 4
    threads: int = 8
    keep_alive: int = 5

    @classmethod
    def parse(cls, text: str) -> Server:
        """``sync:4`` or ``gthread:4x8``."""
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        return cls(kind, int(workers or 4), int(threads or 1))

    def __str__(self) -> str:
        return (
            f"{self.worker_class}:{self.workers}"
            if self.worker_class == "sync"
            else f"{self.worker_class}:{self.workers}x{self.threads}"
        )

    def argv(self, port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "--worker-class",
            self.worker_class,
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--keep-alive",
            str(self.keep_alive),
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ]


@dataclass
class Run:
    latencies: list[float]
    wall: float
    client_cpu: float  # the load generator's own CPU seconds
    server_cpu: float  # gunicorn's worker processes' CPU seconds

    def pct(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    def line(self, label: str) -> str:
        n = len(self.latencies)
        return (
            f"  {label:<24} p50 {self.pct(50):6.1f}  p95 {self.pct(95):6.1f}  "
            f"p99 {self.pct(99):6.1f} ms  {n / self.wall:6.0f} req/s  "
            f"server CPU {self.server_cpu / n * 1000:5.1f} ms/req  "
            f"client CPU {self.client_cpu / n * 1000:4.1f} ms/req"
        )


def _cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _workers(server_pid: int) -> list[int]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request, read the whole response; (status, connection reusable)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    await reader.readexactly(int(headers.get("content-length", "0")))
    keep = lines[0].startswith("HTTP/1.1") and headers.get("connection", "").lower() != "close"
    return status, keep


async def _load(
    port: int,
    requests: Callable[[], bytes],
    clients: int,
    total: int,
    think: tuple[float, float] | None,
) -> list[float]:
    """``clients`` concurrent clients on one event loop, ``total`` requests between them, over
    keep-alive connections when the server keeps them open. Closed loop without ``think``;
    otherwise each client waits uniform(think) seconds after each answer (first start
    staggered over the same span), as people filling in forms do."""
    latencies: list[float] = []
    remaining = [total]

    async def client() -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        if think:
            await asyncio.sleep(random.uniform(0, think[1]))
        while remaining[0] > 0:
            remaining[0] -= 1
            request = requests()
            start = time.perf_counter()
            for attempt in (1, 2):
                fresh = writer is None
                if reader is None or writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                try:
                    status, keep = await _exchange(reader, writer, request)
                    break
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    reader = writer = None
                    if fresh or attempt == 2:  # else: an idle connection the server closed
                        raise
            latencies.append(time.perf_counter() - start)
            if status not in (200, 201):
                raise RuntimeError(f"HTTP {status}")
            if not keep and writer is not None:
                writer.close()
                reader = writer = None
            if think:
                await asyncio.sleep(random.uniform(*think))
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


def _run(
    server_pid: int,
    port: int,
    requests: Callable[[], bytes],
    clients: int,
    total: int,
    think: tuple[float, float] | None = None,
) -> Run:
    pids = _workers(server_pid)
    server0, client0, t0 = _cpu_seconds(pids), time.process_time(), time.perf_counter()
    latencies = asyncio.run(_load(port, requests, clients, total, think))
    return Run(
        latencies,
        time.perf_counter() - t0,
        time.process_time() - client0,
        _cpu_seconds(pids) - server0,
    )


def _fresh_key() -> bytes:
    """A unique questionnaire key without digits: a random hex key now and then holds a
    valid personnummer and is refused, as it should be."""
    return uuid.uuid4().hex.translate(_NO_DIGITS).encode()


_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def _request_factory(
    method: str, path: str, host: str, tokens: list[str], body: bytes = b""
) -> Callable[[], bytes]:
    """Raw HTTP/1.1 requests; tokens rotate (one API user per client) and every submit
    gets a fresh questionnaire key."""
    rotation = itertools.cycle(tokens)

    def make() -> bytes:
        payload = body.replace(b"__KEY__", _fresh_key())
        auth = f"Authorization: Token {next(rotation)}\r\n" if tokens else ""
        return (
            f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload

    return make


def _bench_users(count: int) -> tuple[str, list[str]]:
    from django_tenants.utils import tenant_context
    from rest_framework.authtoken.models import Token

    from pilot.models import Activity
    from tenants.models import Association
    from tenants.roles import Role
    from tenants.services import membership_grant, user_create

    association = Association.objects.get(slug="bench-a")
    tokens = []
    for i in range(count):
        user = user_create(username=f"bench-{i}-{uuid.uuid4().hex[:6]}", password="x" * 12)
        membership_grant(user=user, association=association, role=Role.ASSOCIATION_STAFF)
        tokens.append(Token.objects.create(user=user).key)
    with tenant_context(association):
        Activity.objects.get_or_create(name="Bänk", defaults={"form_codes": ["board"]})
    return "bench-a.localhost", tokens


def bench_inprocess(n: int = 300) -> None:
    """One request at a time through Django's WSGI handler (no HTTP, no concurrency):
    statements and CPU per request, the service time that concurrency multiplies."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    host, [token] = _bench_users(1)
    app = WSGIHandler()
    body = json.dumps(SUBMIT_BODY).encode()

    def call(method: str, path: str, payload: bytes = b"", auth: bool = True) -> None:
        data = payload.replace(b"__KEY__", _fresh_key())
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        if auth:
            environ["HTTP_AUTHORIZATION"] = f"Token {token}"
        status: list[str] = []

        def start_response(line: str, headers: object, *exc_info: object) -> Callable[..., None]:
            status.append(line)
            return lambda data: None

        result = app(environ, start_response)
        content = b"".join(result)
        result.close()
        assert status[0][:3] in ("200", "201"), (status, content[:500])

    cases = [
        ("GET /api/v1/health/", lambda: call("GET", "/api/v1/health/", auth=False)),
        ("GET /api/v1/me/", lambda: call("GET", "/api/v1/me/")),
        ("POST one questionnaire", lambda: call("POST", "/api/v1/responses/", body)),
    ]
    print("in process (WSGI handler, one request at a time):")
    for label, fn in cases:
        for _ in range(20):
            fn()
        connection.queries_log.clear()  # set-up filled it to its limit
        with CaptureQueriesContext(connection) as queries:
            fn()
        statements = len(queries)  # now: the next request clears the log
        cpu, t = time.process_time(), time.perf_counter()
        for _ in range(n):
            fn()
        cpu, wall = (time.process_time() - cpu) / n, (time.perf_counter() - t) / n
        print(
            f"  {label:<24} {statements:2d} statements  {cpu * 1000:5.1f} ms CPU  "
            f"{wall * 1000:5.1f} ms wall"
        )
    connection.close()


def bench_single(
    clients: int,
    requests: int,
    db_url: str,
    servers: list[Server],
    think: tuple[float, float],
    async_commit: bool = False,
) -> None:
    host, tokens = _bench_users(clients)
    if async_commit:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f'ALTER DATABASE "{connection.settings_dict["NAME"]}" SET synchronous_commit = off'
            )
        connection.close()
        print(
            "DIAGNOSTIC ONLY: synchronous_commit = off (a commit no longer waits for the WAL "
            "flush; not durable, not a result)"
        )
    body = json.dumps(SUBMIT_BODY).encode()
    endpoints = [
        ("GET /api/v1/health/", _request_factory("GET", "/api/v1/health/", host, [])),
        ("GET /api/v1/me/", _request_factory("GET", "/api/v1/me/", host, tokens)),
        (
            "POST one questionnaire",
            _request_factory("POST", "/api/v1/responses/", host, tokens, body),
        ),
    ]
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    offered = clients / ((think[0] + think[1]) / 2)
    for server in servers:
        port = _free_port()
        proc = subprocess.Popen(server.argv(port), cwd=ROOT, env=env)
        try:
            health = _request_factory("GET", "/api/v1/health/", host, [])
            for _ in range(300):  # until the workers have booted
                try:
                    asyncio.run(_load(port, health, 1, 1, None))
                    break
                except (OSError, RuntimeError):
                    time.sleep(0.2)
            for _label, make in endpoints:  # every worker loads code, caches, connections
                _run(proc.pid, port, make, max(8, server.workers * server.threads), 200)
            closed = [_run(proc.pid, port, make, clients, requests) for _, make in endpoints]
            paced = [_run(proc.pid, port, make, clients, requests, think) for _, make in endpoints]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(
            f"gunicorn {server} (keep-alive {server.keep_alive} s), {clients} clients, "
            f"{requests} requests per line; machine load average "
            f"{os.getloadavg()[0]:.1f} (2 cores, other work included)"
        )
        print("  closed loop (each client sends its next request as soon as it has an answer):")
        for (label, _), run in zip(endpoints, closed, strict=True):
            print(run.line(label))
        _verdict(closed, "closed loop")
        print(
            f"  paced (each client waits {think[0]}-{think[1]} s between requests, "
            f"~{offered:.0f} req/s offered):"
        )
        for (label, _), run in zip(endpoints, paced, strict=True):
            print(run.line(label))
        _verdict(paced, "paced")


def _verdict(runs: list[Run], regime: str) -> None:
    health, me, post = runs
    print(
        f"  submit p95 = {post.pct(95) / me.pct(95):.2f}x GET /me/, "
        f"{post.pct(95) / health.pct(95):.2f}x health; "
        f"{regime} goal p95 <= 50 ms: {'met' if post.pct(95) <= 50 else 'NOT met'}"
    )
