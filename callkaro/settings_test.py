"""Settings for the test suite: the production settings, with test-only adjustments.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` are honoured, so the same suite runs on the
embedded defaults and against PostgreSQL and Redis.
"""
import os
import uuid
from pathlib import Path

os.environ.setdefault("CALLKARO_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from callkaro.settings import *  # noqa: E402,F403

# Each test session gets its own queue, so messages left by an earlier run are never consumed.
# Worker processes that a test starts get the session's queue through CALLKARO_TEST_QUEUE.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CALLKARO_TEST_QUEUE") or f"callkaro-test-{uuid.uuid4().hex[:8]}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SIMULATOR_CALL_SECONDS = float(os.environ.get("SIMULATOR_CALL_SECONDS", "0.3"))
DISPATCH_INTERVAL = 0.5
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
# Write-back tasks get a session-specific queue too; the LeadSquared worker fixture consumes it.
LEADSQUARED_TASK_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-crm"
CELERY_TASK_ROUTES = {name: {"queue": LEADSQUARED_TASK_QUEUE} for name in CELERY_TASK_ROUTES}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than the shared-cache in-memory database: there, a second writer thread
    # (a Celery worker thread in a test) fails at once with "database table is locked",
    # while with a file it waits for the write lock like the embedded default does.
    # The process id keeps two test sessions in one checkout from sharing the file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
# The suite does not run collectstatic, so static files are served from the app folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the in-memory default: in-memory SQLite shares one cache between
    # threads and fails with "database table is locked" instead of waiting, while the
    # live server, Celery worker threads and the test write at once.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
