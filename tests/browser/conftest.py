"""End-to-end browser tests: Playwright driving Debian's Chromium against a real runserver.

Black box on purpose: pytest-django's live_server needs transactional_db, whose flush would
wipe the session's tenant rows other tests rely on. So the platform gets its own database
(``<test db>_browser``), built by the same commands as ``dev.py demo``, and its own server.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from psycopg import sql

from dev import worker_command
from ops.demo import DEMO_PASSWORD
from tests.pilot.smtp import Mailbox, smtp_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m selection, so `-m browser` / `-m "not browser"` work
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser and run it last.

    While Playwright's sync API is started it keeps an asyncio loop running in the main
    thread, and Django refuses ORM calls then (SynchronousOnlyOperation). pytest-django sorts
    database tests first (stable sort, after this hook); last keeps every other test out too.
    """
    in_browser = {item.nodeid: HERE in item.path.parents for item in items}
    for item in items:
        if in_browser[item.nodeid]:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: in_browser[item.nodeid])  # stable: order otherwise kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    # Keep each phase's report on the item so the page fixture can see whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@dataclass(frozen=True)
class LivePlatform:
    port: int
    database_url: str
    password: str = DEMO_PASSWORD

    def base_url(self, host_prefix: str | None = None) -> str:
        """``http://<prefix>.localhost:<port>``; Chromium maps *.localhost to loopback itself."""
        host = f"{host_prefix}.localhost" if host_prefix else "localhost"
        return f"http://{host}:{self.port}"


def _database_url(db: dict, name: str) -> str:
    """A URL config/database.py parses back: TCP host, or unix socket dir as ``?host=``."""
    auth = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    if str(db["HOST"]).startswith("/"):
        return f"postgresql://{auth}@{port}/{name}?host={quote(db['HOST'], safe='/')}"
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}{port}/{name}"


def _maintenance(db: dict, statement: sql.Composed) -> None:
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    kwargs = {key: value for key, value in params.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as conn:
        conn.execute(statement)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/", headers={"Host": "localhost"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"runserver did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback (aiosmtpd) that the live platform sends its e-mail to."""
    yield from smtp_server()


def live_env(platform: LivePlatform, mailbox: Mailbox) -> dict[str, str]:
    """The environment the live platform runs with (for a ``manage.py`` run beside it)."""
    return {
        **os.environ,
        "DATABASE_URL": platform.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
        "NNS_LINK_SCHEME": "http",
        "NNS_LINK_PORT": str(platform.port),
    }


@pytest.fixture(scope="session")
def live_platform(live_mailbox: Mailbox) -> Iterator[LivePlatform]:
    db = settings.DATABASES["default"]
    # One database per test database name (and xdist worker), so parallel runs do not collide.
    name = f"{db['TEST'].get('NAME') or 'test_' + db['NAME']}_browser"
    name += os.environ.get("PYTEST_XDIST_WORKER", "").replace("gw", "_gw")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    _maintenance(db, drop)  # left over from an interrupted run
    _maintenance(db, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _database_url(db, name)
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    tasks = ARTIFACTS / f"{name}-tasks"  # the embedded broker's queue (ADR 0015), its own
    shutil.rmtree(tasks, ignore_errors=True)
    tasks.mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "NNS_TASK_DIR": str(tasks),
        # E-mail goes to the session's loopback SMTP server; links name this server's port.
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(live_mailbox.port),
        "NNS_LINK_SCHEME": "http",
        "NNS_LINK_PORT": str(port),
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CELERY_RESULT_BACKEND", None)
    log = ARTIFACTS / f"{name}-runserver.log"
    server = worker = None
    try:
        for command in (
            ["setup_platform", "--verbosity", "0"],
            ["demo_setup", "--port", str(port)],
        ):
            done = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True
            )
            if done.returncode:
                pytest.fail(f"manage.py {command[0]} failed:\n{done.stderr.decode()[-3000:]}")
        with log.open("wb") as out:  # a file, not a pipe: runserver logs every request
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(port, server, log)
        # The embedded default's worker, as `dev.py demo` starts it (long jobs off requests).
        with (ARTIFACTS / f"{name}-worker.log").open("wb") as out:
            worker = subprocess.Popen(
                worker_command(sys.executable, tasks / "beat-schedule"),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        yield LivePlatform(port=port, database_url=url)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        shutil.rmtree(tasks, ignore_errors=True)
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        _maintenance(db, drop)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():  # fail, never skip: a missing browser must not look like a pass
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's 'chromium' package "
            "(python3 dev.py test installs it when run as root)."
        )
    with sync_playwright() as playwright:
        # Plain launch: Playwright gives Chromium a fresh temporary profile and deletes it on
        # close (it refuses --user-data-dir here); each test then gets its own context.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(
    browser: Browser, live_platform: LivePlatform, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Factory: a page in a fresh context (Swedish, own cookies); ``new_page(viewport=...)``.

    Every page fails its test if the browser reports a Content-Security-Policy violation
    (ADR 0014), unless ``bypass_csp`` (for a test tool that injects inline script, axe-core).
    """
    pages: list[Page] = []
    csp_violations: list[str] = []

    def make(viewport: ViewportSize | None = None, *, bypass_csp: bool = False) -> Page:
        context = browser.new_context(
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            viewport=viewport or {"width": 1280, "height": 800},
            bypass_csp=bypass_csp,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda msg: (
                csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    for index, page in enumerate(pages):
        if report is not None and report.failed:
            suffix = f"-{index}" if index else ""
            screenshot(page, f"FAILED-{request.node.name}{suffix}")
        page.context.close()
    assert csp_violations == [], csp_violations


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=path, full_page=True)
    return path


def login(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in through the real form; the page ends wherever the server sends it.

    National roles must pass the TOTP second factor (ADR 0014): the first login enrols a
    device from the key the enrol page shows, later logins type the current code.
    """
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The header has submit buttons too (language, log out): take the one in the main form.
    page.click("#main form button[type=submit]")
    page.wait_for_load_state()
    if "/account/2fa/enrol/" in page.url:
        _TOTP_KEYS[username] = page.inner_text("#otp-secret").replace(" ", "")
        _totp_submit(page, username)
    elif "/account/2fa/verify/" in page.url and username in _TOTP_KEYS:
        _totp_submit(page, username)


_TOTP_KEYS: dict[str, str] = {}
_TOTP_LAST_STEP: dict[str, int] = {}


def _totp_submit(page: Page, username: str) -> None:
    """Type the code an authenticator app would show (each code is accepted only once)."""
    import base64

    from django_otp.oath import TOTP

    secret = _TOTP_KEYS[username]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    while int(time.time()) // 30 <= _TOTP_LAST_STEP.get(username, -1):
        time.sleep(0.5)
    generator = TOTP(key, 30, 0, 6, drift=0)
    _TOTP_LAST_STEP[username] = generator.t()
    page.fill("#id_otp_token", f"{generator.token():06d}")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state()
