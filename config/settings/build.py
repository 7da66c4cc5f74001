"""Image build only (deploy/Dockerfile): ``collectstatic`` with no secret and no database.

Never serve with these settings; the web, worker and beat containers use production.
"""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "collectstatic-only-never-served"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
