"""Production: secrets and host names come from the environment; nothing has a default.

Behind the TLS-terminating proxy (deploy/compose.yaml: Caddy) set NNS_BEHIND_PROXY=true so
Django trusts the proxy's X-Forwarded-Proto; gunicorn is then reachable only from the proxy.
"""

from config.secrets import database_password_check, secret_read, secret_strong
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, LOGGING, env

DEBUG = False
SECRET_KEY = secret_strong("DJANGO_SECRET_KEY", secret_read("DJANGO_SECRET_KEY"), min_length=50)
NNS_POOLING_HMAC_KEY = secret_strong(
    "NNS_POOLING_HMAC_KEY", secret_read("NNS_POOLING_HMAC_KEY"), min_length=32
)
if DATABASES["default"]["HOST"] and not DATABASES["default"]["HOST"].startswith("/"):
    # A TCP database needs a password; a unix socket may use peer authentication.
    database_password_check(env("DATABASE_URL", default=""))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS everywhere: redirect, HSTS (associations are subdomains, so include them).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]  # the proxy's and orchestrator's probes
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
if env.bool("NNS_BEHIND_PROXY", default=False):
    # Only when a proxy that overwrites the header stands in front; otherwise a client
    # could claim HTTPS by sending the header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

_console: dict[str, object] = LOGGING["handlers"]["console"]  # type: ignore[index]
_console["formatter"] = env("NNS_LOG_FORMAT", default="json")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise serves the collected files with hashed names, compressed, cached a year.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
