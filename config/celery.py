"""The Celery app. tenant-schemas-celery stamps every task with the schema it was queued from
and switches the worker's connection to that schema before the task runs."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("nns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
