#!/usr/bin/env python3
"""One entry point for people and CI.

    python3 dev.py demo     install, start the database, migrate, build the demo, serve it
    python3 dev.py test     install and run every test (extra arguments go to pytest)
    python3 dev.py lint     ruff, ruff format --check, mypy, makemigrations --check,
                            import-linter contracts, module size and import cycles
    python3 dev.py lock     re-pin requirements.lock / requirements-dev.lock (uv, with hashes)

Needs only Python >= 3.11 with pip. Dependencies go into ./.venv; without DATABASE_URL an
embedded PostgreSQL (pgserver) runs from ./.data/pg for as long as this command runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".nns-installed"
# Pinned with hashes by `dev.py lock` (ADR 0014): the image installs LOCK, dev and CI DEV_LOCK.
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
CHROMIUM = Path("/usr/bin/chromium")


def _log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def _ensure_venv() -> None:
    """Create .venv and install the project (with dev extras) when pyproject.toml changed."""
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes()
        + (DEV_LOCK.read_bytes() if DEV_LOCK.exists() else b"")
    ).hexdigest()
    if VENV_PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not VENV_PYTHON.exists():
        _log("creating .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    _log("installing dependencies (first run takes a few minutes)")
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    if DEV_LOCK.exists():
        # Exactly the pinned, hash-checked versions; then the project itself.
        subprocess.run([*pip, "--require-hashes", "-r", str(DEV_LOCK)], check=True)
        subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
        missing = unlocked_requirements()
        if missing:
            _log(f"WARNING: not in {DEV_LOCK.name} yet: {', '.join(missing)}; run dev.py lock")
            subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    else:
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def _requirement_name(spec: str) -> str:
    import re

    return re.split(r"[\s\[<>=!~;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def unlocked_requirements(lock: Path = DEV_LOCK, extras: tuple[str, ...] = ("dev",)) -> list[str]:
    """pyproject.toml requirements that ``lock`` does not pin (tests/deploy checks this)."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    pinned = {
        m.group(1).lower().replace("_", "-")
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock.read_text(), flags=re.M)
    }
    return sorted({_requirement_name(s) for s in specs} - pinned)


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _database_env() -> dict[str, str]:
    """Start (or join) the embedded PostgreSQL unless DATABASE_URL is set; hold it open."""
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        _log(f"using DATABASE_URL ({env['DATABASE_URL'].split('@')[-1]})")
        return env
    sys.path.insert(0, str(ROOT))
    from config.database import database_url

    env["DATABASE_URL"] = database_url()
    _log(f"embedded PostgreSQL at {env['DATABASE_URL']}")
    return env


def _ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it when we are root on Debian."""
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _log("installing chromium from Debian's packages for the browser tests")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)
    else:
        _log(
            "WARNING: /usr/bin/chromium is missing; browser tests will fail. "
            "Install Debian's 'chromium' package."
        )


PDF_FONTS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PDF_PACKAGES = ["fonts-dejavu-core", "fonts-liberation2", "libpango-1.0-0", "libpangoft2-1.0-0"]


def _ensure_pdf_fonts() -> None:
    """The bokslut PDF (WeasyPrint) needs Pango and DejaVu/Liberation fonts from Debian."""
    if PDF_FONTS.exists() and shutil.which("fc-list"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        _log("installing fonts and Pango from Debian's packages for the PDF reports")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *PDF_PACKAGES], check=True)
    else:
        _log(f"WARNING: PDF reports need Debian's {', '.join(PDF_PACKAGES)}.")


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def worker_command(python: str, schedule: Path) -> list[str]:
    """A Celery worker with beat inside (the pooling watchdog, scheduled runs); one process.
    Without CELERY_BROKER_URL it reads the filesystem queue (ADR 0015)."""
    return [
        python,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--beat",
        f"--schedule={schedule}",
        "--pool=solo",
        "--concurrency=1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
    ]


def cmd_demo(args: list[str]) -> int:
    _ensure_pdf_fonts()
    port = args[0] if args else os.environ.get("PORT", "8000")
    env = _database_env()
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    _manage(env, "setup_platform", "--verbosity", "0")
    _manage(env, "demo_setup", "--port", port)
    broker = env.get("CELERY_BROKER_URL") or "the filesystem queue in .data/tasks"
    _log(f"starting a Celery worker on {broker}")
    (ROOT / ".data").mkdir(exist_ok=True)
    worker = subprocess.Popen(
        worker_command(str(VENV_PYTHON), ROOT / ".data" / "celerybeat-schedule"),
        cwd=ROOT,
        env=env,
    )
    _log(f"serving on http://localhost:{port}/ (Ctrl+C stops)")
    try:
        return subprocess.call(
            [str(VENV_PYTHON), "manage.py", "runserver", f"0.0.0.0:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def cmd_test(args: list[str]) -> int:
    _ensure_chromium()
    _ensure_pdf_fonts()
    env = _database_env()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.call([str(VENV_PYTHON), "-m", "pytest", *args], cwd=ROOT, env=env)


def cmd_lint(args: list[str]) -> int:
    env = _database_env()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    steps = [
        ["-m", "ruff", "check", "."],
        ["-m", "ruff", "format", "--check", "."],
        ["-m", "mypy", "."],
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        # Layer contracts (pyproject.toml, ADR 0013), then module size and import cycles.
        ["-c", "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"],
        ["tools/check_structure.py"],
    ]
    failed = 0
    for step in steps:
        _log(" ".join(step))
        failed |= subprocess.call([str(VENV_PYTHON), *step], cwd=ROOT, env=env) != 0
    return int(failed)


def cmd_lock(args: list[str]) -> int:
    """Pin every dependency with hashes for all platforms (uv, ADR 0014)."""
    base = [str(VENV_PYTHON), "-m", "uv", "pip", "compile", "pyproject.toml", "--quiet"]
    base += ["--generate-hashes", "--universal", "--python-version", "3.11", *args]
    failed = subprocess.call([*base, "-o", LOCK.name], cwd=ROOT)
    failed |= subprocess.call([*base, "--extra", "dev", "-o", DEV_LOCK.name], cwd=ROOT)
    return int(failed != 0)


COMMANDS = {"demo": cmd_demo, "test": cmd_test, "lint": cmd_lint, "lock": cmd_lock}


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on whatever python3 is
        sys.exit("Python 3.11 or newer is needed.")
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    if not _in_venv():
        _ensure_venv()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
