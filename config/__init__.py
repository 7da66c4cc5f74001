"""Django project package (settings, URLs, Celery app).

Named ``config`` rather than the design card's ``platform``; see
docs/adr/0001-config-not-platform.md.
"""

from config.celery import app as celery_app

__all__ = ["celery_app"]
