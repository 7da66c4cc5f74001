"""The demo's mailbox: the messages Django's file e-mail backend wrote (the demo's settings
without a mail server; also the in-memory backend of tests), only the current association's,
by the ``X-NNS-Association`` header every invitation carries."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from tenants.db import current_association_slug

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
MEMORY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
MAX_FILES = 200


@dataclass(frozen=True)
class MailItem:
    to: str
    subject: str
    date: datetime | None
    body: str


def mailbox_enabled() -> bool:
    """True when no real mail server is configured (there is no mailbox otherwise)."""
    if settings.EMAIL_BACKEND == MEMORY_BACKEND:
        return True
    return bool(settings.EMAIL_BACKEND == FILE_BACKEND and getattr(settings, "EMAIL_FILE_PATH", ""))


def _item(message: email.message.EmailMessage) -> MailItem:
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    return MailItem(
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")).strip(),
        date=_when(str(message.get("Date", ""))),
        body=str(body),
    )


def _parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def mailbox_messages(limit: int = 50) -> list[MailItem] | None:
    """Newest first; None when e-mail goes to a real server (there is no mailbox then)."""
    if not mailbox_enabled():
        return None
    slug = current_association_slug()
    if settings.EMAIL_BACKEND == MEMORY_BACKEND:
        from django.core import mail

        sent = [_parsed(m.message().as_bytes()) for m in getattr(mail, "outbox", [])]
        own = [m for m in reversed(sent) if str(m.get("X-NNS-Association", "")) == slug]
        return [_item(m) for m in own[:limit]]
    folder = Path(str(getattr(settings, "EMAIL_FILE_PATH", "")))
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.log"), key=lambda f: f.stat().st_mtime, reverse=True)
    found: list[MailItem] = []
    for path in files[:MAX_FILES]:
        for raw in reversed(path.read_bytes().split(SEPARATOR)):
            if not raw.strip():
                continue
            message = _parsed(raw.strip())
            if str(message.get("X-NNS-Association", "")) != slug:
                continue
            found.append(_item(message))
            if len(found) >= limit:
                return found
    return found


def _when(header: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    # Django writes UTC as "-0000", which Python reads as "zone unknown" (naive).
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
