"""The provider answering 5xx and timing out for a while: transient retries only, no lead
retry used up, every call placed once the provider is back."""
import time
from collections import Counter

import pytest
from django.test import Client

from calls.models import CallAttempt
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_server_database
from tests.reliability.helpers import encode, lead_body, webhook_url
from tests.reliability.stack import wait_until

pytestmark = [requires_server_database, pytest.mark.slow]

LEADS = 20
# The outage, compressed from a minute with backoff settings scaled down alike (5 s → 0.5 s).
OUTAGE_SECONDS = 8


def test_provider_outage_uses_no_lead_retry(stack, stub_provider):
    stub_provider.mode = "outage"
    workspace = WorkspaceFactory(slug="provider-outage")
    agent = agent_with_mappings(
        workspace=workspace, provider="stub_http", max_concurrent_calls=100,
        provider_settings={"url": stub_provider.url, "timeout": 0.5},
    )
    processes = stack(TRANSIENT_BACKOFF_BASE=0.5, TRANSIENT_BACKOFF_CAP=2, MAX_TRANSIENT_FAILURES=12)
    processes.start_worker(concurrency=4)
    processes.start_dispatcher()
    client = Client(HTTP_HOST="127.0.0.1")
    url = webhook_url(agent, issue_key(workspace), num_of_retries=1, gap_between_retries=1)

    started = time.monotonic()
    for index in range(LEADS):
        response = client.post(url, encode(lead_body(prospect_id=f"LEAD-FLAKY-{index}")), content_type="application/json")
        assert response.status_code == 200
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))
    stub_provider.mode = "ok"

    wait_until(
        lambda: CallAttempt.objects.filter(status=CallAttempt.Status.IN_PROGRESS).count() == LEADS,
        timeout=90, message="every call to be placed after the outage",
    )
    attempts = list(CallAttempt.objects.all())
    assert len(attempts) == LEADS
    assert {attempt.number for attempt in attempts} == {1}
    assert all(attempt.transient_failures >= 1 for attempt in attempts)
    assert max(attempt.transient_failures for attempt in attempts) <= 12
    assert all(attempt.outcome == "" for attempt in attempts)
    placed = Counter(stub_provider.placed())
    assert set(placed) == {attempt.pk for attempt in attempts}
    assert max(placed.values()) == 1
    failed_answers = [answer for _, _, answer in stub_provider.requests if answer == "outage"]
    assert len(failed_answers) >= LEADS
