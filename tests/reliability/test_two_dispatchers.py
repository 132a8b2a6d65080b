"""Two dispatchers running at once over 10,000 due attempts enqueue each attempt exactly once."""
import base64
import json
import threading
from collections import Counter

import pytest
import redis
from django.conf import settings
from django.db import connection

from calls.dispatcher import run_dispatcher
from calls.models import CallAttempt
from tests.conftest import requires_postgres
from tests.factories import WorkspaceFactory, agent_with_mappings
from tests.reliability.conftest import requires_redis
from tests.reliability.helpers import make_due_attempts

pytestmark = [requires_postgres, requires_redis, pytest.mark.slow]

ATTEMPTS = 10_000


def enqueued_attempt_ids(client: redis.Redis, queue: str) -> list[int]:
    """Attempt ids of the place_call messages waiting in ``queue`` (Celery message protocol 2)."""
    ids = []
    for raw in client.lrange(queue, 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] != "calls.tasks.place_call":
            continue
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(args[0])
    return ids


def dispatch_until_idle(results: list, errors: list) -> None:
    try:
        idle_runs = 0
        while idle_runs < 2:
            summary = run_dispatcher()
            results.append(summary["claimed"])
            idle_runs = idle_runs + 1 if summary["claimed"] == 0 else 0
    except Exception as error:  # noqa: BLE001 - reported by the test thread below
        errors.append(error)
    finally:
        connection.close()


def test_two_dispatchers_enqueue_each_attempt_once(transactional_db, settings, private_queue):
    settings.DISPATCH_BATCH_SIZE = 500
    agent = agent_with_mappings(workspace=WorkspaceFactory(slug="dispatchers"))
    attempt_ids = make_due_attempts(agent, ATTEMPTS)
    queue = private_queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(queue)

    claims: list[list[int]] = [[], []]
    errors: list[Exception] = []
    threads = [threading.Thread(target=dispatch_until_idle, args=(claims[index], errors)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)

    assert errors == []
    enqueued = Counter(enqueued_attempt_ids(client, queue))
    client.delete(queue)
    assert sum(claims[0]) + sum(claims[1]) == ATTEMPTS
    assert sum(claims[0]) > 0
    assert sum(claims[1]) > 0
    assert set(enqueued) == set(attempt_ids)
    assert max(enqueued.values()) == 1
    assert CallAttempt.objects.filter(status=CallAttempt.Status.QUEUED).count() == ATTEMPTS
