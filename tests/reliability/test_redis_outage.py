"""Redis outages: leads that arrive while Redis is down, and queues lost in a Redis restart.

Each test starts its own redis-server on a free port, with gunicorn, a worker and the
dispatcher pointed at it, and stops it; the shared Redis is never touched.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from calls.models import Call, CallAttempt
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_redis_server, requires_server_database
from tests.reliability.helpers import lead_body, webhook_url
from tests.reliability.stack import wait_until

pytestmark = [requires_server_database, requires_redis_server, pytest.mark.slow]

STACK_SETTINGS = {
    "QUEUED_TIMEOUT": 2,
    "SIMULATOR_CALL_SECONDS": 0.2,
    "CELERY_BROKER_CONNECTION_TIMEOUT": 0.5,
}


def deliver_leads(base_url: str, url: str, count: int) -> list[requests.Response]:
    def deliver(index: int) -> requests.Response:
        body = lead_body(prospect_id=f"LEAD-OUTAGE-{index}")
        return requests.post(base_url + url, json=body, timeout=30)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(deliver, range(count)))


def assert_each_call_placed_once(count: int) -> None:
    assert Call.objects.count() == count
    assert Call.objects.filter(status=Call.Status.COMPLETED).count() == count
    assert CallAttempt.objects.count() == count
    assert CallAttempt.objects.filter(outcome="completed").exclude(provider_call_id="").count() == count


def all_calls_completed(count: int):
    return lambda: Call.objects.filter(status=Call.Status.COMPLETED).count() == count


def test_leads_arriving_while_redis_is_down(stack, private_redis):
    leads = 100
    workspace = WorkspaceFactory(slug="redis-down")
    agent = agent_with_mappings(workspace=workspace, max_concurrent_calls=200)
    processes = stack(broker_url=private_redis.url, **STACK_SETTINGS)
    base_url = processes.start_gunicorn()
    processes.start_worker()
    processes.start_dispatcher()

    private_redis.stop()
    responses = deliver_leads(base_url, webhook_url(agent, issue_key(workspace)), leads)

    assert [response.status_code for response in responses] == [200] * leads
    assert {response.json()["status"] for response in responses} == {"scheduled"}
    assert CallAttempt.objects.filter(status=CallAttempt.Status.QUEUED).count() == leads
    assert CallAttempt.objects.filter(started_at__isnull=False).count() == 0

    private_redis.start()
    wait_until(all_calls_completed(leads), timeout=120, message="every call to complete after Redis returned")
    assert_each_call_placed_once(leads)


def test_redis_restart_loses_queued_tasks(stack, private_redis):
    leads = 30
    workspace = WorkspaceFactory(slug="redis-restart")
    agent = agent_with_mappings(workspace=workspace, max_concurrent_calls=200)
    processes = stack(broker_url=private_redis.url, **STACK_SETTINGS)
    base_url = processes.start_gunicorn()

    responses = deliver_leads(base_url, webhook_url(agent, issue_key(workspace)), leads)
    assert [response.status_code for response in responses] == [200] * leads
    queue_length = redis.Redis.from_url(private_redis.url).llen(processes.queue)
    assert queue_length == leads

    private_redis.stop()
    private_redis.start()
    assert redis.Redis.from_url(private_redis.url).llen(processes.queue) == 0
    processes.start_worker()
    processes.start_dispatcher()

    wait_until(all_calls_completed(leads), timeout=120, message="the dispatcher to recover the lost tasks")
    assert_each_call_placed_once(leads)
