"""Settings, read from the environment with django-environ.

With nothing set, the embedded defaults apply: SQLite under ``var/``, a file-system Celery
broker that needs no server, and keys generated once into ``var/``. Production sets
``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY`` and ``FIELD_ENCRYPTION_KEYS``.
"""
from pathlib import Path

import environ

from callkaro import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env("CALLKARO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", default="") or embedded.secret_key(VAR_DIR)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys, newest first. Values are encrypted with the first and decrypted with any,
# so a new key goes in front and `manage.py rotate_encryption_keys` re-encrypts.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
    embedded.field_encryption_key(VAR_DIR)
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "django_htmx",
    "accounts",
    "integrations",
    "agents",
    "calls",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "callkaro.nul.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "callkaro.urls"
WSGI_APPLICATION = "callkaro.wsgi.application"

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
                "accounts.workspaces.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'callkaro.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, worker and beat read while one of them writes; IMMEDIATE
    # takes the write lock at BEGIN, so two writers queue instead of failing to upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Times are stored in UTC. Calling windows use each workspace's own timezone.
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Public base URL used in the webhook URLs the dashboard and `manage.py demo` print.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")

# HTTPS deployments behind a proxy that sets X-Forwarded-Proto.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=False)
if HTTPS_ONLY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "callkaro.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.ApiKeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "callkaro.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# Celery. The embedded default is kombu's file-system transport: no broker server, messages
# are files under var/broker, shared by every process on this machine.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "callkaro.broker:Transport"
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings; kombu would otherwise write them to ./control.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish while the broker is down fails fast. The attempt row stays queued, and the
# dispatcher's recovery enqueues it again once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The dispatcher runs every DISPATCH_INTERVAL seconds and claims attempts due within
# DISPATCH_HORIZON seconds, so no Celery ETA is ever further ahead than the horizon.
DISPATCH_INTERVAL = env.float("DISPATCH_INTERVAL", default=2.0)
DISPATCH_HORIZON = env.float("DISPATCH_HORIZON", default=10.0)
DISPATCH_BATCH_SIZE = env.int("DISPATCH_BATCH_SIZE", default=500)
# Seconds after which an attempt stuck in queued is enqueued again, and one stuck in
# dialing (the worker died inside start_call) is closed as an unknown failure.
QUEUED_TIMEOUT = env.float("QUEUED_TIMEOUT", default=60.0)
DIALING_TIMEOUT = env.float("DIALING_TIMEOUT", default=120.0)
# Transient provider errors (429, 5xx, timeouts) are retried with exponential backoff from
# TRANSIENT_BACKOFF_BASE up to TRANSIENT_BACKOFF_CAP seconds and use up none of the lead's
# retries; after MAX_TRANSIENT_FAILURES of them the attempt ends as failed.
TRANSIENT_BACKOFF_BASE = env.float("TRANSIENT_BACKOFF_BASE", default=5.0)
TRANSIENT_BACKOFF_CAP = env.float("TRANSIENT_BACKOFF_CAP", default=300.0)
MAX_TRANSIENT_FAILURES = env.int("MAX_TRANSIENT_FAILURES", default=12)
# Seconds an in-progress attempt waits for the provider's callback before it is polled.
CALLBACK_TIMEOUT = env.float("CALLBACK_TIMEOUT", default=900.0)
# Local provider stubs that replace a provider's API host, e.g.
# "retell=http://127.0.0.1:8301,vapi=http://127.0.0.1:8302". Empty in production; only
# loopback URLs are accepted (calls/providers/http.py), so no setting can send a
# provider's API key to another host.
PROVIDER_STUB_BASE_URLS = env.dict("PROVIDER_STUB_BASE_URLS", default={})
# Seconds the simulator provider takes to resolve a call.
SIMULATOR_CALL_SECONDS = env.float("SIMULATOR_CALL_SECONDS", default=3.0)

SPECTACULAR_SETTINGS = {
    "TITLE": "callkaro API",
    "DESCRIPTION": "The CRM webhook that receives leads and the read-only call API. "
    "Authenticate with the X-API-KEY header or the x_api_key query parameter.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is public: it names no workspace data, and the webhook's documentation needs it.
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PREPROCESSING_HOOKS": ["callkaro.openapi.drop_duplicate_paths"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Requests each API key may make per window (webhook deliveries and API calls together);
# more get 429 with Retry-After. 0 turns the limit off. The default is far above what a
# CRM sends for new leads and keeps one leaked key from flooding the call queue.
API_KEY_RATE_LIMIT = env.int("API_KEY_RATE_LIMIT", default=3000)
API_KEY_RATE_WINDOW = env.int("API_KEY_RATE_WINDOW", default=60)
# Seconds each web process keeps the API keys and agents a webhook delivery looks up, which
# saves three queries per delivery. A key revoked or an agent changed in another process
# takes effect there within this time; 0 turns the cache off.
WEBHOOK_LOOKUP_CACHE_SECONDS = env.float("WEBHOOK_LOOKUP_CACHE_SECONDS", default=5.0)

# The rate-limit counters: Redis when the broker is Redis, so every web process shares them;
# else a file-system cache, shared by the processes of this machine.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _ratelimit_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("RATE_LIMIT_REDIS_URL", default=CELERY_BROKER_URL),
        "KEY_PREFIX": "callkaro-ratelimit",
        # A Redis outage must not delay a webhook response for long, so the limiter then lets requests through.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
else:
    _ratelimit_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "ratelimit"),
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": _ratelimit_cache,
}

# LeadSquared API client. See docs/leadsquared.md.
# Requests allowed per LEADSQUARED_RATE_WINDOW seconds for each workspace: the plan's limit
# (Lite 2, Pro 5, Super/Basic 10, Standard 15, Enterprise 25 requests per 5 seconds).
LEADSQUARED_RATE_LIMIT = env.int("LEADSQUARED_RATE_LIMIT", default=5)
LEADSQUARED_RATE_WINDOW = env.float("LEADSQUARED_RATE_WINDOW", default=5.0)
# "redis" or "database"; empty picks Redis when the Celery broker is Redis.
LEADSQUARED_RATE_LIMIT_BACKEND = env("LEADSQUARED_RATE_LIMIT_BACKEND", default="")
# Seconds to connect to LeadSquared and to wait for its response.
LEADSQUARED_CONNECT_TIMEOUT = env.float("LEADSQUARED_CONNECT_TIMEOUT", default=5.0)
LEADSQUARED_READ_TIMEOUT = env.float("LEADSQUARED_READ_TIMEOUT", default=15.0)
# Retries of lead lookups and write-backs: full-jitter exponential backoff from
# LEADSQUARED_RETRY_BACKOFF seconds up to LEADSQUARED_RETRY_BACKOFF_MAX, at most this many tries.
LEADSQUARED_RETRY_BACKOFF = env.float("LEADSQUARED_RETRY_BACKOFF", default=5.0)
LEADSQUARED_RETRY_BACKOFF_MAX = env.float("LEADSQUARED_RETRY_BACKOFF_MAX", default=600.0)
LEADSQUARED_LOOKUP_TRIES = env.int("LEADSQUARED_LOOKUP_TRIES", default=6)
LEADSQUARED_WRITE_BACK_TRIES = env.int("LEADSQUARED_WRITE_BACK_TRIES", default=8)
# Only the tests and the local demo set this: every LeadSquared request then goes to the
# local stub server at this URL (http on 127.0.0.1 only). Empty in production.
LEADSQUARED_STUB_BASE_URL = env("LEADSQUARED_STUB_BASE_URL", default="")
# Queue of the write-back tasks, so that a backlog waiting for LeadSquared's rate limit
# never delays call placement. Workers must consume it: celery worker -Q celery,crm.
LEADSQUARED_TASK_QUEUE = env("LEADSQUARED_TASK_QUEUE", default="crm")
CELERY_TASK_ROUTES = {
    "integrations.leadsquared.send_write_back": {"queue": LEADSQUARED_TASK_QUEUE},
}

CELERY_BEAT_SCHEDULE = {
    "dispatch-due-attempts": {
        "task": "calls.tasks.dispatch",
        "schedule": DISPATCH_INTERVAL,
        "options": {"expires": DISPATCH_INTERVAL * 5},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_keys": {"()": "callkaro.redaction.RedactKeysFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_keys"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
