"""The production settings, started as in deploy/compose.yaml but outside Docker.

collectstatic runs with no secret (as the image build does); the platform is set up in a
database of its own; gunicorn (deploy/gunicorn.conf.py), a Celery worker and beat start with
``config.settings.production`` against the machine's PostgreSQL and Redis; a smoke path is
walked over HTTP as the TLS proxy would forward it. ``check --deploy`` must be silent.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

import psycopg
import pytest
import redis
from psycopg import sql

pytestmark = pytest.mark.prod_smoke

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("NNS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
HOST = "localhost"
GUNICORN_ARGS = ["-c", "deploy/gunicorn.conf.py"]
WORKER_ARGS = ["--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle"]
METRICS_TOKEN = secrets.token_urlsafe(24)
PROXY = {"Host": HOST, "X-Forwarded-Proto": "https"}  # what Caddy sends on


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_urls() -> tuple[str, str, str]:
    """(admin URL, production URL with a password, database name) on the test's server."""
    admin = os.environ["DATABASE_URL"]
    name = f"{os.environ.get('NNS_TEST_DB_NAME', 'test_nns')}_prod"
    parsed = urlparse(admin)
    netloc = parsed.netloc
    if parsed.hostname and "@" in netloc and ":" not in netloc.split("@")[0]:
        # The machine's server trusts local connections; production insists on a password.
        user, at_host = netloc.split("@", 1)
        netloc = f"{user}:{secrets.token_urlsafe(24)}@{at_host}"
    return admin, urlunparse(parsed._replace(netloc=netloc, path=f"/{name}")), name


@dataclass
class Stack:
    base: str
    port: int
    env: dict[str, str]
    access_log: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body or None, headers={**PROXY, **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, response.headers, data


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is needed at {REDIS_URL}: {exc}")
    tmp = tmp_path_factory.mktemp("prod")
    admin_url, db_url, db_name = _database_urls()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(db_name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NNS_", "CELERY_", "REDIS_", "GUNICORN_"))
    }
    # The image build: collectstatic with no secret and no reachable database.
    build = _manage(
        {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "config.settings.build",
            "DATABASE_URL": "postgresql://build@build.invalid/build",
            "NNS_STATIC_ROOT": str(tmp / "static"),
        },
        "collectstatic",
        "--noinput",
        "--verbosity=0",
    )
    assert build.returncode == 0, build.stderr
    env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "NNS_POOLING_HMAC_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": db_url,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},.{HOST}",
        "NNS_BASE_DOMAIN": HOST,
        "NNS_BEHIND_PROXY": "true",
        "NNS_STATIC_ROOT": str(tmp / "static"),
        "NNS_MEDIA_ROOT": str(tmp / "media"),
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_CACHE_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": f"nns-prod-{secrets.token_hex(4)}",
        "NNS_LOG_LEVEL": "INFO",
        "NNS_METRICS_TOKEN": METRICS_TOKEN,
    }
    setup = _manage(env, "setup_platform", "--verbosity=0")
    assert setup.returncode == 0, setup.stderr
    port = _free_port()
    beat = str(tmp / "beat-schedule")
    access_log = tmp / "access.log"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", *GUNICORN_ARGS],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
                "GUNICORN_THREADS": "4",
                "GUNICORN_ACCESS_LOG": str(access_log),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
            },
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *WORKER_ARGS],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "WARNING", "-s", beat],
            cwd=ROOT,
            env=env,
        ),
    ]
    stack = Stack(base=f"http://127.0.0.1:{port}", port=port, env=env, access_log=access_log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if stack.request("GET", "/api/v1/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert processes[0].poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.3)
        yield stack
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
            )


def test_check_deploy_is_silent(stack):
    result = _manage(stack.env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_smoke_path_over_http(stack):
    status, headers, body = stack.request("GET", "/")
    page = body.decode()
    assert status == 200
    assert "Nationella indikatorplattformen" in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"

    # Static files: WhiteNoise serves the hashed name from the build, cacheable for a year.
    css = re.search(r'href="(/static/web/site\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet is not served under its hashed name"
    status, headers, body = stack.request("GET", css.group(1))
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"] and b".site-header" in body

    # Login page, then a login: cookies are Secure, HttpOnly (session) and SameSite=Lax.
    status, headers, body = stack.request("GET", "/login/")
    assert status == 200 and "Logga in" in body.decode()
    csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "; Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie
    csrf = csrf_cookie.split(";")[0].split("=", 1)[1]
    create = _manage(
        stack.env,
        "shell",
        "-c",
        "from tenants.models import User; "
        "User.objects.create_user(username='smoke', password='smoke-pass-9731')",
    )
    assert create.returncode == 0, create.stderr
    status, headers, _ = stack.request(
        "POST",
        "/login/",
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/login/",
            "Origin": f"https://{HOST}",
        },
        body=urlencode(
            {"username": "smoke", "password": "smoke-pass-9731", "csrfmiddlewaretoken": csrf}
        ),
    )
    assert status == 302 and headers["Location"] == "/"
    session = next(c for c in headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    assert "; Secure" in session and "; HttpOnly" in session and "SameSite=Lax" in session

    # The API schema and its documentation page (Swagger UI from our own static files).
    status, headers, body = stack.request("GET", "/api/schema/?format=json")
    assert status == 200 and b'"openapi"' in body
    status, _, body = stack.request("GET", "/api/docs/")
    assert status == 200 and b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in body


def test_plain_http_is_redirected_and_a_client_cannot_claim_https_past_the_proxy(stack):
    status, headers, _ = stack.request("GET", "/login/", headers={"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["Location"] == f"https://{HOST}/login/"


def test_worker_runs_a_task_for_the_platform(stack):
    script = (
        "from rest_framework.authtoken.models import Token; "
        "from tenants.models import NationalRoleGrant, User; "
        "u = User.objects.create_user(username='ops', password='ops-pass-8812'); "
        "NationalRoleGrant.objects.create(user=u, role='platform_admin'); "
        "print(Token.objects.create(user=u).key)"
    )
    created = _manage(stack.env, "shell", "-c", script)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    status, _, body = stack.request(
        "POST", "/api/v1/health/worker/", headers={"Authorization": f"Token {token}"}
    )
    assert status == 200, body
    assert b'"ok":true' in body.replace(b" ", b"")


def test_questionnaire_tokens_never_reach_the_access_log(stack):
    secret = "Qx7SECRETtoken4242"
    stack.request("GET", f"/q/{secret}/")
    stack.request("GET", f"/q/?code={secret}")
    time.sleep(0.5)  # gunicorn writes the line after the response
    log = stack.access_log.read_text()
    assert "/q/[redacted]/" in log
    assert secret not in log


def test_metrics_from_every_gunicorn_process(stack):
    stack.request("GET", "/login/")
    assert stack.request("GET", "/metrics")[0] == 404
    status, _, body = stack.request(
        "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    text = body.decode()
    assert status == 200
    assert 'view="web:login"' in text and "django_http_requests_latency_seconds" in text
    assert 'nns_snapshots{status="published"} 0.0' in text
    assert "nns_celery_queue_length{" in text
