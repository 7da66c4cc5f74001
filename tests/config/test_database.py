import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from config.database import database_settings

ROOT = Path(__file__).resolve().parents[2]


def test_tcp_url():
    s = database_settings("postgresql://nns:sec%40ret@db.example:6543/indicators")
    assert (s["HOST"], s["PORT"], s["NAME"], s["USER"], s["PASSWORD"]) == (
        "db.example",
        "6543",
        "indicators",
        "nns",
        "sec@ret",
    )
    assert s["ENGINE"] == "django_tenants.postgresql_backend"


def test_socket_url_from_pgserver():
    s = database_settings("postgresql://postgres:@/nns?host=/srv/app/.data/pg")
    assert (s["HOST"], s["NAME"], s["USER"]) == ("/srv/app/.data/pg", "nns", "postgres")


def test_non_postgres_url_is_refused():
    with pytest.raises(ValueError, match="PostgreSQL"):
        database_settings("mysql://x@y/z")


@pytest.mark.smoke
def test_embedded_server_starts_without_database_url():
    """No DATABASE_URL: a project-local pgserver PostgreSQL is started and used."""
    # One level under /tmp, like a data folder: pytest's tmp_path sits below directories the
    # unprivileged postgres user (pgserver drops root) may not enter.
    tmp_path = Path(tempfile.mkdtemp(prefix="nns-embedded-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["NNS_DATA_DIR"] = str(tmp_path)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.test'; "
        "django.setup(); from django.db import connection; "
        "c=connection.cursor(); c.execute('select current_database(), version()'); "
        "print(connection.settings_dict['HOST']); print(c.fetchone())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        assert out.returncode == 0, out.stderr
        host, row = out.stdout.strip().splitlines()[-2:]
        assert host == str(tmp_path / "pg")
        assert "'nns'" in row and "PostgreSQL" in row
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)
