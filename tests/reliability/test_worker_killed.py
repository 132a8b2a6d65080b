"""A worker killed with SIGKILL inside place_call: the attempt is recovered, and the lead is
called again only after its retry gap, never twice within it."""
from datetime import timedelta

import pytest
from django.test import Client

from calls.models import CallAttempt
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_server_database
from tests.reliability.helpers import encode, lead_body, webhook_url
from tests.reliability.stack import wait_until

pytestmark = [requires_server_database, pytest.mark.slow]

# 0.002 hours: the retry gap, compressed to 7.2 seconds.
GAP_HOURS = 0.002


def test_worker_killed_while_dialing(stack, stub_provider):
    stub_provider.mode = "hang"
    workspace = WorkspaceFactory(slug="killed")
    agent = agent_with_mappings(
        workspace=workspace, provider="stub_http", provider_settings={"url": stub_provider.url, "timeout": 30},
    )
    processes = stack(DIALING_TIMEOUT=1, QUEUED_TIMEOUT=2)
    processes.start_worker("worker-1", concurrency=1)

    response = Client(HTTP_HOST="127.0.0.1").post(
        webhook_url(agent, issue_key(workspace), num_of_retries=1, gap_between_retries=GAP_HOURS),
        encode(lead_body()), content_type="application/json",
    )
    assert response.status_code == 200
    wait_until(lambda: stub_provider.requests, timeout=30, message="the provider to receive the dial")
    processes.kill("worker-1")
    first = CallAttempt.objects.get(number=1)
    assert first.status == CallAttempt.Status.DIALING

    stub_provider.mode = "ok"
    stub_provider.release.set()
    processes.start_worker("worker-2", concurrency=1)
    processes.start_dispatcher()
    second = wait_until(
        lambda: CallAttempt.objects.filter(number=2, status=CallAttempt.Status.IN_PROGRESS).first(),
        timeout=60, message="the retry to be dialled",
    )

    first.refresh_from_db()
    assert first.status == CallAttempt.Status.ENDED
    assert first.outcome == "failed"
    assert first.end_reason == "dial_interrupted"
    assert second.scheduled_for == first.ended_at + timedelta(hours=GAP_HOURS)
    assert second.started_at >= second.scheduled_for
    assert CallAttempt.objects.count() == 2
    assert [attempt_id for _, attempt_id, _ in stub_provider.requests] == [first.pk, second.pk]
    assert stub_provider.placed() == [second.pk]
    (hung_at, _, _), (placed_at, _, _) = stub_provider.requests
    assert placed_at - hung_at >= GAP_HOURS * 3600
