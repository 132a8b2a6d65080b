"""Requests per API key are limited: past the limit, 429 with Retry-After and no new call."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client

from calls.models import Call
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_redis, requires_server_database
from tests.reliability.helpers import encode, lead_body, webhook_url
from webhooks.models import WebhookDelivery

LIMIT = 3


@pytest.fixture
def tight_limit(settings):
    settings.API_KEY_RATE_LIMIT = LIMIT
    settings.API_KEY_RATE_WINDOW = 60


def post_leads(client: Client, url: str, count: int) -> list:
    return [
        client.post(url, encode(lead_body(prospect_id=f"LEAD-RATE-{index}")), content_type="application/json")
        for index in range(count)
    ]


@pytest.mark.django_db
def test_webhook_over_limit_answers_429(tight_limit, agent, api_key):
    responses = post_leads(Client(HTTP_HOST="127.0.0.1"), webhook_url(agent, api_key), LIMIT + 1)

    assert [response.status_code for response in responses] == [200] * LIMIT + [429]
    limited = responses[-1]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"] == "rate_limited"
    assert limited.json()["retry_after"] == int(limited["Retry-After"])
    assert "API_KEY_RATE_LIMIT" in limited.json()["message"]
    assert Call.objects.count() == LIMIT
    assert WebhookDelivery.objects.filter(result="rate_limited", status_code=429).count() == 1


@pytest.mark.django_db
def test_api_over_limit_answers_429(tight_limit, api_key):
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_API_KEY=api_key)

    responses = [client.get("/api/v1/calls") for _ in range(LIMIT + 1)]

    assert [response.status_code for response in responses] == [200] * LIMIT + [429]
    assert 1 <= int(responses[-1]["Retry-After"]) <= 60
    assert responses[-1].json()["error"] == "throttled"


@pytest.mark.django_db
def test_limit_counts_each_key_alone(tight_limit, agent, api_key, workspace):
    client = Client(HTTP_HOST="127.0.0.1")
    post_leads(client, webhook_url(agent, api_key), LIMIT + 1)

    other_key = issue_key(workspace, "second key")
    response = client.post(webhook_url(agent, other_key), encode(lead_body()), content_type="application/json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_limit_zero_turns_it_off(settings, agent, api_key):
    settings.API_KEY_RATE_LIMIT = 0

    responses = post_leads(Client(HTTP_HOST="127.0.0.1"), webhook_url(agent, api_key), 5)

    assert {response.status_code for response in responses} == {200}


@requires_server_database
@requires_redis
@pytest.mark.slow
def test_limit_holds_across_gunicorn_workers(stack):
    limit, sent = 20, 32
    workspace = WorkspaceFactory(slug="rate-gunicorn")
    agent = agent_with_mappings(workspace=workspace)
    key = issue_key(workspace)
    base_url = stack(API_KEY_RATE_LIMIT=limit, API_KEY_RATE_WINDOW=600).start_gunicorn(workers=4)
    url = base_url + webhook_url(agent, key)

    def deliver(index: int) -> int:
        return requests.post(url, json=lead_body(prospect_id=f"LEAD-GUNICORN-{index}"), timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(deliver, range(sent)))

    assert statuses == {200: limit, 429: sent - limit}
    assert Call.objects.filter(agent=agent).count() == limit
