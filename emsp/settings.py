"""Settings, all read from the environment (README "Configuration" lists them).

With nothing set the platform runs on SQLite and Celery's filesystem transport under ``var/``,
so nothing else has to run. ``DEBUG`` is off unless asked for.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

from celery.schedules import crontab

from emsp.env import (
    env_bool,
    env_broker_url,
    env_choice,
    env_database,
    env_http_url,
    env_int,
    env_list,
    env_pattern,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EMSP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY", "")
    if configured:
        return configured
    # No key configured: keep one generated key per installation so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_celery_beat",
    "emsp",
    "ocpi.core",
    "partners",
    "customers",
    "ocpi.locations",
    "ocpi.sessions",
    "ocpi.cdrs",
    "ocpi.tariffs",
    "ocpi.tokens",
    "ocpi.commands",
    "sync",
    "billing",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ocpi.core.journal.JournalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "emsp.urls"
WSGI_APPLICATION = "emsp.wsgi.application"

# The cache: Redis when REDIS_URL is set (shared by every worker: the admin login throttle),
# else this process's memory.
CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Admin login throttle (emsp/login_throttle.py): failures per address or username per window.
ADMIN_LOGIN_MAX_FAILURES = env_int("ADMIN_LOGIN_MAX_FAILURES", 5, minimum=1)
ADMIN_LOGIN_WINDOW_SECONDS = env_int("ADMIN_LOGIN_WINDOW_SECONDS", 900, minimum=1)
ADMIN_LOGIN_THROTTLE_PREFIX = "admin-login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The traffic journal's own connection to the same database (ocpi/core/journal.py).
    DATABASES["journal"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], "options": "-c synchronous_commit=off"},
        "TEST": {"MIRROR": "default"},
    }
OCPI_JOURNAL_DATABASE = "journal" if "journal" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing one before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security. HTTPS settings follow SECURE_HTTPS (on unless DEBUG): a production deployment sits
# behind TLS; `DEBUG=0 SECURE_HTTPS=0 make run` runs production-like over plain HTTP locally.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' preload list is hard to undo: the operator opts in with
# SECURE_HSTS_PRELOAD=1, and `check --deploy` does not nag about the default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# OCPI module URLconfs are mounted at "<identifier>" (no slash: the endpoint URL we publish has
# none) and their deeper routes start with "/": exactly what urls.W002 warns about, on purpose.
SILENCED_SYSTEM_CHECKS.append("urls.W002")
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The largest request body we read (413 beyond): the biggest OCPI push (a Location with many
# EVSEs, a CDR with many periods) stays far below 2 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django gives its own loggers level INFO; LOG_LEVEL must reach them too.
    "loggers": {"django": {"level": LOG_LEVEL}, "django.db.backends": {"level": "INFO"}},
}

# --- OCPI ---------------------------------------------------------------------------------
OCPI_BASE_URL = env_http_url("OCPI_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}")
OCPI_COUNTRY_CODE = env_pattern("OCPI_COUNTRY_CODE", "NL", r"[A-Z]{2}", "an ISO 3166-1 alpha-2 code like NL")
OCPI_PARTY_ID = env_pattern("OCPI_PARTY_ID", "EMS", r"[A-Z0-9]{3}", "three upper-case letters or digits like EMS")
OCPI_BUSINESS_NAME = env_str("OCPI_BUSINESS_NAME", "Open eMSP")
OCPI_ALLOW_PRIVATE_URLS = env_bool("OCPI_ALLOW_PRIVATE_URLS", False)
# Resolves a presented credentials token to the calling party (see ocpi.core.authentication).
OCPI_CREDENTIALS_RESOLVER = env_str("OCPI_CREDENTIALS_RESOLVER", "partners.auth.resolve_token")
# Fernet keys for the tokens partners give us; the first encrypts, all decrypt (rotation).
# Without them a key is derived from SECRET_KEY: set them in production so that changing
# SECRET_KEY does not make stored partner tokens unreadable.
OCPI_TOKEN_ENCRYPTION_KEYS = env_list("OCPI_TOKEN_ENCRYPTION_KEYS", []) or [
    base64.urlsafe_b64encode(hashlib.sha256(f"ocpi-token-encryption:{SECRET_KEY}".encode()).digest()).decode()
]
# Modules a CPO must offer for a registration to be accepted (3003 otherwise).
OCPI_REQUIRED_PARTNER_MODULES = env_list("OCPI_REQUIRED_PARTNER_MODULES", ["credentials"])
OCPI_PAGE_DEFAULT_LIMIT = env_int("OCPI_PAGE_DEFAULT_LIMIT", 100, minimum=1)
OCPI_PAGE_MAX_LIMIT = env_int("OCPI_PAGE_MAX_LIMIT", 1000, minimum=1)
OCPI_JOURNAL_ENABLED = env_bool("OCPI_JOURNAL_ENABLED", True)
OCPI_JOURNAL_BODY_LIMIT = env_int("OCPI_JOURNAL_BODY_LIMIT", 4096, minimum=0)
OCPI_JOURNAL_RETENTION_DAYS = env_int("OCPI_JOURNAL_RETENTION_DAYS", 30, minimum=1)
# Real-time authorization decisions are kept this long for support and fraud review.
OCPI_AUTHORIZATION_RETENTION_DAYS = env_int("OCPI_AUTHORIZATION_RETENTION_DAYS", 90, minimum=1)
OCPI_JOURNAL_BATCH_SIZE = env_int("OCPI_JOURNAL_BATCH_SIZE", 50, minimum=1)
OCPI_JOURNAL_FLUSH_SECONDS: float = env_int("OCPI_JOURNAL_FLUSH_SECONDS", 1, minimum=1)
# Per-partner rate limits (ocpi/core/ratelimit.py), counted in Redis (REDIS_URL; without it,
# none): REQUESTS/SECONDS per partner, or off. A partner's rate_limit_factor scales them.
OCPI_RATE_LIMITS = {
    scope: rule
    for scope, rule in {
        "push": env_rate("OCPI_RATE_LIMIT_PUSH", (6000, 10)),
        "authorize": env_rate("OCPI_RATE_LIMIT_AUTHORIZE", (3000, 10)),
    }.items()
    if rule is not None
}
OCPI_RATE_LIMIT_PREFIX = env_str("OCPI_RATE_LIMIT_PREFIX", "ocpi:rate")
# Token distribution to CPOs (ocpi/tokens/outbox.py): attempts before a push is dead-lettered,
# and the first retry delay in seconds (doubling, with jitter, up to an hour).
OCPI_TOKEN_PUSH_MAX_ATTEMPTS = env_int("OCPI_TOKEN_PUSH_MAX_ATTEMPTS", 8, minimum=1)
OCPI_TOKEN_PUSH_BACKOFF_SECONDS = env_int("OCPI_TOKEN_PUSH_BACKOFF_SECONDS", 30, minimum=0)
# How long a sender holds the pushes it took: longer than a batch of calls can take. A worker
# killed mid-batch leaves them to be sent again after it.
OCPI_TOKEN_PUSH_LEASE_SECONDS = env_int("OCPI_TOKEN_PUSH_LEASE_SECONDS", 600, minimum=1)
# Every this many seconds, the sweep sends what is due (retries, anything a broker outage held back).
TOKEN_PUSH_SWEEP_SECONDS = float(env_int("OCPI_TOKEN_PUSH_SWEEP_SECONDS", 30, minimum=1))
OCPI_CLIENT_CONNECT_TIMEOUT = env_int("OCPI_CLIENT_CONNECT_TIMEOUT", 5, minimum=1)
OCPI_CLIENT_READ_TIMEOUT = env_int("OCPI_CLIENT_READ_TIMEOUT", 30, minimum=1)
OCPI_CLIENT_MAX_RETRIES = env_int("OCPI_CLIENT_MAX_RETRIES", 4, minimum=0)
OCPI_CLIENT_TOTAL_TIMEOUT = env_int("OCPI_CLIENT_TOTAL_TIMEOUT", 120, minimum=1)
OCPI_CLIENT_MAX_RESPONSE_BYTES = env_int("OCPI_CLIENT_MAX_RESPONSE_BYTES", 64 * 1024 * 1024, minimum=1024)
# A command without its result callback this many seconds after we sent it becomes TIMEOUT
# (2.1.1 has no timeout of its own, reference §9 item 19).
OCPI_COMMAND_TIMEOUT_SECONDS = env_int("OCPI_COMMAND_TIMEOUT_SECONDS", 120, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["ocpi.core.parsers.OcpiJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["ocpi.core.authentication.OcpiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["ocpi.core.authentication.IsOcpiParty"],
    "EXCEPTION_HANDLER": "ocpi.core.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", "filesystem://")
REDIS_URL = env_str("REDIS_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "ocpi-journal-prune": {"task": "ocpi.core.tasks.journal_prune", "schedule": 3600.0},
    "ocpi-tokens-push-sweep": {"task": "ocpi.tokens.tasks.tokens_push_sweep", "schedule": TOKEN_PUSH_SWEEP_SECONDS},
    "ocpi-tokens-expire-due": {"task": "ocpi.tokens.tasks.tokens_expire_due", "schedule": 300.0},
    "ocpi-tokens-decisions-prune": {"task": "ocpi.tokens.tasks.decisions_prune", "schedule": 3600.0},
    "ocpi-commands-sweep": {"task": "ocpi.commands.tasks.commands_sweep", "schedule": 15.0},
    # Creates each registered partner's pull schedules (django-celery-beat, editable in the admin).
    "sync-schedules-refresh": {"task": "sync.tasks.schedules_refresh", "schedule": 30.0},
    # CDRs whose pricing task was lost (broker down) are priced by this sweep.
    "billing-cdrs-price-missing": {"task": "billing.tasks.cdrs_price_missing", "schedule": 300.0},
    # Finance's exports of the previous month, kept as BillingExports (the 1st, 03:00 UTC).
    "billing-exports-monthly": {
        "task": "billing.tasks.exports_monthly",
        "schedule": crontab(minute="0", hour="3", day_of_month="1"),
    },
}

# --- Partner sync (sync/) -------------------------------------------------------------------
# An incremental pull asks from the last successful run's start minus this overlap.
SYNC_OVERLAP_SECONDS = env_int("SYNC_OVERLAP_SECONDS", 300, minimum=0)
# Without PostgreSQL advisory locks, a RUNNING run silent for this long counts as dead.
SYNC_LEASE_SECONDS = env_int("SYNC_LEASE_SECONDS", 300, minimum=1)
# A pull of a large network takes minutes: its own limits, above the default task limits.
SYNC_SOFT_TIME_LIMIT = env_int("SYNC_SOFT_TIME_LIMIT", 1800, minimum=1)
SYNC_TIME_LIMIT = env_int("SYNC_TIME_LIMIT", 1900, minimum=2)
# Small pages are written together: at least this many objects, or what this many seconds read.
SYNC_BATCH_OBJECTS = env_int("SYNC_BATCH_OBJECTS", 1000, minimum=1)
SYNC_BATCH_SECONDS: float = env_int("SYNC_BATCH_SECONDS", 1, minimum=0)

# --- Staff console (console/) -----------------------------------------------------------------
# The locations map's tiles ({s}, {z}, {x}, {y} as Leaflet reads them) and the credit they require.
CONSOLE_MAP_TILE_URL = env_str("CONSOLE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CONSOLE_MAP_TILE_ATTRIBUTION = env_str(
    "CONSOLE_MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# --- Billing (billing/) ---------------------------------------------------------------------
# A CDR whose total_cost differs from our price by more than this (in its currency, excl. VAT)
# is flagged for review.
BILLING_PRICE_TOLERANCE = Decimal(
    env_pattern("BILLING_PRICE_TOLERANCE", "0.01", r"\d+(\.\d+)?", "an amount like 0.01 (not negative)")
)
# What a driver's price starts from: the CPO's total_cost ("cpo") or our computed cost ("ours").
BILLING_RETAIL_BASE = env_choice("BILLING_RETAIL_BASE", "cpo", ("cpo", "ours"))
# VAT rates (percent) by billing country beyond or instead of billing/retail.py's table.
BILLING_VAT_RATES = {
    country.upper(): Decimal(rate)
    for country, _, rate in (
        pair.partition("=")
        for pair in env_pattern(
            "BILLING_VAT_RATES", "", r"([A-Za-z]{2}=\d+(\.\d+)?(,[A-Za-z]{2}=\d+(\.\d+)?)*)?", "pairs like NL=21,DE=19"
        ).split(",")
        if pair
    )
}
# Export files kept for finance (billing/exports), outside anything served.
BILLING_EXPORT_ROOT = Path(env_str("BILLING_EXPORT_ROOT", str(VAR_DIR / "billing-exports")))
