"""Deliveries racing each other: the unique constraint decides, not a read before insert."""
import threading

import pytest
from django.db import connections
from django.test import Client

from calls.models import Call, CallAttempt
from tests.conftest import fixture_bytes, requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def deliver_concurrently(agent, api_key, count):
    url = f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={api_key}"
    body = fixture_bytes("lead-created.json")
    barrier = threading.Barrier(count)
    answers = []

    def deliver():
        client = Client()
        barrier.wait(timeout=10)
        try:
            response = client.generic("POST", url, data=body, content_type="application/json")
            answers.append((response.status_code, response.json()["status"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_two_concurrent_deliveries_make_one_call(agent, api_key):
    answers = deliver_concurrently(agent, api_key, 2)

    assert sorted(answers) == [(200, "duplicate"), (200, "scheduled")]
    assert Call.objects.count() == 1
    assert CallAttempt.objects.count() == 1
