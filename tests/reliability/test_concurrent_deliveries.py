"""Ten deliveries of one lead at the same moment make one call and ten 200 responses."""
import threading

import pytest
from django.db import connection
from django.test import Client

from calls.models import Call, CallAttempt, Lead
from tests.conftest import requires_postgres
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.helpers import encode, lead_body, webhook_url
from tests.reliability.stack import wait_until

pytestmark = [requires_postgres, pytest.mark.slow]

DELIVERIES = 10


def post_together(url: str, body: bytes, count: int) -> list:
    barrier = threading.Barrier(count)
    responses = [None] * count

    def deliver(index: int) -> None:
        client = Client(HTTP_HOST="127.0.0.1")
        barrier.wait(timeout=10)
        try:
            responses[index] = client.post(url, body, content_type="application/json")
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_concurrent_deliveries_make_one_call(celery_worker):
    workspace = WorkspaceFactory(slug="concurrent")
    agent = agent_with_mappings(workspace=workspace)
    key = issue_key(workspace)
    body = encode(lead_body(prospect_id="LEAD-CONCURRENT-1"))

    responses = post_together(webhook_url(agent, key), body, DELIVERIES)

    assert [response.status_code for response in responses] == [200] * DELIVERIES
    statuses = sorted(response.json()["status"] for response in responses)
    assert statuses == ["duplicate"] * (DELIVERIES - 1) + ["scheduled"]
    call_ids = {response.json()["call_id"] for response in responses}
    assert len(call_ids) == 1
    assert Lead.objects.count() == 1
    assert Call.objects.count() == 1
    assert CallAttempt.objects.count() == 1

    attempt = wait_until(
        lambda: CallAttempt.objects.filter(status=CallAttempt.Status.ENDED).first(), timeout=30,
        message="the one attempt to end",
    )
    assert attempt.provider_call_id.startswith("sim_")
    assert attempt.outcome == "completed"
    assert CallAttempt.objects.count() == 1
