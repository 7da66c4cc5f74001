"""Questionnaire links are bearer secrets: keep them out of every log line (ADR 0014).

``/q/<token>/`` (the respondent's single-use link) and any ``token=`` / ``code=`` query value
become ``[redacted]`` in Django's log records (``RedactingFilter``) and in gunicorn's access
log (``RedactingGunicornLogger``: request line, path, query and referer).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

_PATTERNS = (
    (re.compile(r"(/q/)[^/?#\s\"']+"), r"\1[redacted]"),
    (re.compile(r"((?:^|[?&;\s])(?:token|code|key)=)[^&#\s\"']*", re.I), r"\1[redacted]"),
    (re.compile(r"(Token\s+)[0-9a-f]{20,}", re.I), r"\1[redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's business
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # Django attaches the request object; a JSON formatter would print it with its path.
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = redact(f"{getattr(request, 'method', '')} {request.path}")
        return True


class RedactingGunicornLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
