"""Production: everything secret or host-specific comes from the environment."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)

if NNS_POOLING_HMAC_KEY.startswith("dev-only"):  # noqa: F405
    raise RuntimeError("Set NNS_POOLING_HMAC_KEY or NNS_POOLING_HMAC_KEY_FILE in production.")
