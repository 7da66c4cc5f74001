"""Where the database is: ``DATABASE_URL`` if set, otherwise an embedded PostgreSQL.

The embedded server is pgserver's PostgreSQL binary running on a data folder inside the
project (``.data/pg`` by default). pgserver serialises start-up with an inter-process lock
and counts the processes holding a handle, so the web server, a worker and a test run can
share one server; the last process to exit stops it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_DB_NAME = "nns"


def embedded_data_dir() -> Path:
    return Path(os.environ.get("NNS_DATA_DIR", PROJECT_ROOT / ".data")) / "pg"


def embedded_database_url() -> str:
    """Start (or join) the project-local PostgreSQL and return a URL for its main database."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import pgserver

    data_dir = embedded_data_dir()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(EMBEDDED_DB_NAME)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    url = embedded_database_url()
    # Child processes (Celery worker, gunicorn) join the same server through the environment.
    os.environ["DATABASE_URL"] = url
    os.environ["NNS_EMBEDDED_DB"] = "1"
    return url


def database_settings(url: str) -> dict[str, Any]:
    """Translate a postgres URL (TCP or unix-socket ``?host=/dir`` form) into Django settings."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "postgresql+psycopg"}:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got scheme {parsed.scheme!r}")
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or ""])[0]
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {
            "NAME": os.environ.get("NNS_TEST_DB_NAME")
            or f"test_{parsed.path.lstrip('/') or 'postgres'}"
        },
    }
