"""Settings shared by every environment. Environment-specific modules import from here."""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.database import database_settings, database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Host names are resolved to tenants by django-tenants; an unknown host gets a 404 there.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1"])
# Associations are served at <slug>.<NNS_BASE_DOMAIN>; the national site at the bare domain.
NNS_BASE_DOMAIN = env("NNS_BASE_DOMAIN", default="localhost")

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "instrument",
    "national",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, never a CDN
    "web",
    "api",
    "ops",
    # ADR 0014: login lockout and the TOTP second factor (both in the public schema).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "pilot",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Association"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New associations are cloned from a migrated template schema instead of replaying every
# migration: provisioning stays well under a second (bench/bench_provisioning.py).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Set search_path once per connection switch rather than before every query (halves round trips).
TENANT_LIMIT_SET_CALLS = True

DATABASES = {"default": database_settings(database_url())}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Security headers and HTTPS redirect, then static files, before any database work.
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.TenantHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.NoStoreMiddleware",
    "config.middleware.SecondFactorMiddleware",
    "tenants.middleware.ActiveAssociationMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: it turns a lockout into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTH_USER_MODEL = "tenants.User"
# django-axes counts failed logins before the password check (ADR 0014).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.platform",
            ],
        },
    }
]
WSGI_APPLICATION = "config.wsgi.application"

# Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("NNS_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("NNS_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"

# File imports (questionnaires, register data): refused above these, with a message saying so.
IMPORT_MAX_BYTES = env.int("NNS_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("NNS_IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_CELL_CHARS = 10_000
IMPORT_MAX_ERRORS = 1_000  # listed per refused file; the total is always reported

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous request gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("NNS_THROTTLE_ANON", default="60/min"),
        "user": env("NNS_THROTTLE_USER", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "api.metadata.EndpointMetadata",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NNS indicator platform API",
    "DESCRIPTION": (
        "National indicator platform for Sweden's coordination associations. On an association's "
        "host name every endpoint works inside that association's schema."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so `check --deploy` (which builds the schema) stays silent.
    "ENUM_NAME_OVERRIDES": {
        "RegisterOutcomeEnum": "instrument.targets.RegisterOutcome",
        "LocalItemKindEnum": "pilot.models.LocalItem.Kind",
        "TargetRuleKindEnum": "instrument.targets.RuleKind",
        "MemberBodyKindEnum": "tenants.models.MemberBody.Kind",
        "SnapshotStatusEnum": "vocabulary.choices.SnapshotStatus",
        "DatasetStatusEnum": "vocabulary.choices.DatasetStatus",
        "InstrumentStatusEnum": "vocabulary.choices.InstrumentStatus",
    },
}

# The cache keeps throttling counters; Redis when configured so all processes share it.
_redis_cache = env("REDIS_CACHE_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_cache}
        if _redis_cache
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery (ADR 0015). With CELERY_BROKER_URL: that broker and a real worker. Without it, the
# embedded default: kombu's filesystem transport (no server) in NNS_TASK_DIR, results as files
# beside it, and a worker process that `dev.py demo` starts; long jobs never run in a request.
_broker = env("CELERY_BROKER_URL", default="")
NNS_TASK_DIR = Path(env("NNS_TASK_DIR", default=str(BASE_DIR / ".data" / "tasks")))
CELERY_BROKER_URL = _broker or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if _broker
    else {
        "data_folder_in": str(NNS_TASK_DIR / "queue"),
        "data_folder_out": str(NNS_TASK_DIR / "queue"),
        "control_folder": str(NNS_TASK_DIR / "control"),
    }
)
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=_broker or f"file://{NNS_TASK_DIR / 'results'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("NNS_TASKS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="nns")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Keyed pseudonyms of pooled participants; the key is held only by the national layer.
# Production reads it from the environment or from a secret file.
_hmac_file = env("NNS_POOLING_HMAC_KEY_FILE", default="")
NNS_POOLING_HMAC_KEY = (
    Path(_hmac_file).read_text().strip()
    if _hmac_file
    else env("NNS_POOLING_HMAC_KEY", default="dev-only-pooling-key-change-me")
)

# The pooling watchdog (ADR 0015): how often it looks, and how long a queued part may wait
# before its message counts as lost (a part whose worker died is queued again at once).
NNS_POOLING_WATCHDOG_SECONDS = env.int("NNS_POOLING_WATCHDOG_SECONDS", default=60)
NNS_POOLING_STALE_SECONDS = env.int("NNS_POOLING_STALE_SECONDS", default=600)

# National figures (national n and share, funnels) are shown to an association only when at
# least this many associations contribute n >= k each (docs/stats.md, "No differencing").
# A deployment setting, never below 3 (stats.disclosure.national_release refuses less).
NNS_NATIONAL_MIN_ASSOCIATIONS = max(3, env.int("NNS_NATIONAL_MIN_ASSOCIATIONS", default=3))

# E-mail (issue 17): SMTP when EMAIL_HOST is set; otherwise every message is written as a file
# under .data/mail/ — the demo's mailbox (README, "E-mail").
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = Path(env("NNS_MAIL_DIR", default=str(BASE_DIR / ".data" / "mail")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="enkater@localhost")
# Questionnaire links in e-mails sent off a request (reminders, schedules):
# <scheme>://<association's domain><port>/q/<token>/
NNS_LINK_SCHEME = env("NNS_LINK_SCHEME", default="https")
NNS_LINK_PORT = env("NNS_LINK_PORT", default="")
# A reminder goes to those who have not answered this many days after the e-mail.
NNS_INVITATION_REMINDER_DAYS = env.int("NNS_INVITATION_REMINDER_DAYS", default=7)
# Months after a participant's last activity before their data is deleted, where an
# association has not set its own period (docs/data-protection.md, "Retention").
NNS_RETENTION_MONTHS_DEFAULT = env.int("NNS_RETENTION_MONTHS_DEFAULT", default=36)

CELERY_BEAT_SCHEDULE = {
    # Issue 17: reminders to non-respondents and scheduled occasions, daily in every association.
    "pilot-invitation-reminders-daily": {
        "task": "pilot.invitation_reminders_due",
        "schedule": 24 * 3600,
    },
    "pilot-schedules-daily": {
        "task": "pilot.schedules_due",
        "schedule": 24 * 3600,
    },
    "national-pooling-monthly": {
        "task": "national.snapshot_scheduled",
        "schedule": 30 * 24 * 3600,
    },
    "national-pooling-watchdog": {
        "task": "national.snapshot_watchdog",
        "schedule": NNS_POOLING_WATCHDOG_SECONDS,
    },
    # Researcher releases past their end date lose their files (issue 15).
    "national-dataset-releases-expire": {
        "task": "national.dataset_releases_expire",
        "schedule": 24 * 3600,
    },
    # Personal data past each association's retention period is erased (issue 18).
    "privacy-retention-daily": {
        "task": "ops.privacy_retention_apply",
        "schedule": 24 * 3600,
    },
}

# --- Hardening (ADR 0014) -------------------------------------------------------------------
# Login lockout: N failed passwords lock the user name and the address for the cool-off.
AXES_FAILURE_LIMIT = env.int("NNS_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("NNS_LOGIN_COOLOFF_HOURS", default=0.25)
# Either one person's name (guessing their password) or one address (trying many names).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.security.lockout_response"
AXES_VERBOSE = False
# Axes must read the client address the proxy saw, never a header a client can set directly.
AXES_IPWARE_PROXY_COUNT = env.int("NNS_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
# TOTP: the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "NNS indikatorplattform"
# Content-Security-Policy: no inline script or style anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Prometheus scrape token for /metrics on the public host (config/metrics.py); unset: no endpoint.
NNS_METRICS_TOKEN = env("NNS_METRICS_TOKEN", default="")

# NNS_LOG_FORMAT=json: one JSON object per line (production default), no request objects.
LOG_FORMAT = env("NNS_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Questionnaire tokens never reach a log line (config/log_redaction.py).
    "filters": {"redact": {"()": "config.log_redaction.RedactingFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("NNS_LOG_LEVEL", "WARNING")},
}
