"""Production secrets: required, read from the environment or a ``*_FILE``, never weak.

Production refuses to start rather than run with a default, a placeholder or a short value
(ADR 0014). Rules follow Django's own ``check --deploy`` test for SECRET_KEY.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_PLACEHOLDERS = ("change-me", "changeme", "dev-only", "insecure", "secret", "password", "example")
_WEAK_DB_PASSWORDS = {"", "nns", "postgres", "password", "admin", "root", "secret", "change-me"}


def secret_read(name: str) -> str:
    """``NAME`` from the environment, or the contents of the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set {name} (or {name}_FILE); production has no default.")
    return value


def secret_strong(name: str, value: str, *, min_length: int) -> str:
    lowered = value.lower()
    if (
        len(value) < min_length
        or len(set(value)) < 5
        or any(p in lowered for p in _PLACEHOLDERS)
        or value.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least {min_length} random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    return value


def database_password_check(url: str) -> None:
    """The database URL must carry a real password (compose and Kubernetes set one)."""
    password = unquote(urlparse(url).password or "")
    if password.lower() in _WEAK_DB_PASSWORDS or len(password) < 16:
        raise ImproperlyConfigured(
            "DATABASE_URL needs a database password of at least 16 random characters."
        )
