"""The Celery app. tenant-schemas-celery stamps every task with the schema it was queued from
and switches the worker's connection to that schema before the task runs.

Without ``CELERY_BROKER_URL`` the broker is kombu's filesystem transport (ADR 0015): its
folders are made here, so the web process and the worker find them."""

import os
from pathlib import Path

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("nns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _embedded_folders() -> None:
    if not str(app.conf.broker_url).startswith("filesystem://"):
        return
    for folder in app.conf.broker_transport_options.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    backend = str(app.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(lambda sender, **_kwargs: _embedded_folders(), weak=False)
