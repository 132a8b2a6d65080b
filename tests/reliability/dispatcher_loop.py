"""Run the dispatcher every ``--interval`` seconds for at most ``--seconds``, as beat would.

Beat only sends the ``dispatch`` task; this loop calls the same ``run_dispatcher`` directly,
so the dispatcher keeps running while the broker is down, as a beat-triggered worker
would once the broker is back.
"""
import argparse
import logging
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callkaro.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from calls.dispatcher import run_dispatcher  # noqa: E402
from calls.providers import PROVIDERS  # noqa: E402
from tests.reliability.stack import exit_with_parent  # noqa: E402
from tests.reliability.stub_provider import PROVIDER_NAME, PROVIDER_PATH  # noqa: E402

PROVIDERS[PROVIDER_NAME] = PROVIDER_PATH
logger = logging.getLogger("dispatcher_loop")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--seconds", type=float, default=600)
    options = parser.parse_args()
    exit_with_parent()

    deadline = time.monotonic() + options.seconds
    while time.monotonic() < deadline:
        try:
            run_dispatcher()
        except Exception:  # noqa: BLE001 - keep dispatching, as beat would on the next tick
            logger.exception("dispatcher run failed")
            connection.close()
        time.sleep(options.interval)


if __name__ == "__main__":
    main()
