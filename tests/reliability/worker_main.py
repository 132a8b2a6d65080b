"""Start a Celery worker with the test-only stub provider registered.

Run as ``python -m tests.reliability.worker_main [celery worker options]`` from the
repository root; the environment names the database, broker and queue.
"""
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callkaro.settings_test")

import django  # noqa: E402

django.setup()

from calls.providers import PROVIDERS  # noqa: E402
from tests.reliability.stack import exit_with_parent  # noqa: E402
from tests.reliability.stub_provider import PROVIDER_NAME, PROVIDER_PATH  # noqa: E402

PROVIDERS[PROVIDER_NAME] = PROVIDER_PATH

from callkaro.celery import app  # noqa: E402

if __name__ == "__main__":
    exit_with_parent()
    app.worker_main(["worker", *sys.argv[1:]])
