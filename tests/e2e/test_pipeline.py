"""The whole pipeline in one process: webhook → dispatcher/worker → simulator → outcome.

A real Celery worker consumes the configured broker (Redis in CI, the file-system
broker on the embedded defaults) in threads of the test process.
"""
import time
from datetime import timedelta

import pytest

from calls.models import Call, CallAttempt
from tests.conftest import fixture_bytes, load_fixture

pytestmark = pytest.mark.django_db(transaction=True)

# Upper bound for a simulated call to resolve on a loaded machine; SIMULATOR_CALL_SECONDS is 0.3 in tests.
RESOLVE_TIMEOUT = 45


def wait_for(predicate, timeout=RESOLVE_TIMEOUT, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def post_lead(client, agent, api_key, body=None, **params):
    query = "&".join(f"{k}={v}" for k, v in {"agent_id": agent.public_id, "type": "leadsquared", "x_api_key": api_key, **params}.items())
    return client.generic("POST", f"/call/crm-webhook?{query}", data=body or fixture_bytes("lead-created.json"), content_type="application/json")


def final_call(call_id):
    call = Call.objects.get(public_id=call_id)
    return call if call.is_final else None


def test_sample_lead_is_called_and_completed(client, agent, api_key, celery_worker):
    response = post_lead(client, agent, api_key)

    call = wait_for(lambda: final_call(response.json()["call_id"]))
    attempt = call.attempts.get()
    assert call.status == Call.Status.COMPLETED
    assert attempt.outcome == "completed"
    assert attempt.provider == "simulator"
    assert attempt.provider_call_id.startswith("sim_")
    assert "Hello Asha" in attempt.transcript
    assert "Home loan" in attempt.transcript


def test_completed_call_visible_through_api(client, agent, api_key, celery_worker):
    response = post_lead(client, agent, api_key)
    wait_for(lambda: final_call(response.json()["call_id"]))

    body = client.get(f"/api/v1/calls/{response.json()['call_id']}", HTTP_X_API_KEY=api_key).json()

    assert body["status"] == "completed"
    assert body["attempts"][0]["outcome"] == "completed"


def test_no_answer_schedules_retry_one_hour_after_end(client, agent, api_key, celery_worker):
    lead = load_fixture("lead-created.json") | {"Phone": "+919999900001"}

    response = post_lead(
        client, agent, api_key, body=__import__("json").dumps(lead).encode(), num_of_retries=2, gap_between_retries="1,3",
    )

    call_id = response.json()["call_id"]
    retry = wait_for(lambda: CallAttempt.objects.filter(call__public_id=call_id, number=2).first())
    first = CallAttempt.objects.get(call__public_id=call_id, number=1)
    call = Call.objects.get(public_id=call_id)
    assert response.json()["attempts_allowed"] == 3
    assert first.outcome == "no_answer"
    assert retry.status == CallAttempt.Status.PENDING
    assert retry.scheduled_for == first.ended_at + timedelta(hours=1)
    assert call.status == Call.Status.SCHEDULED


@pytest.mark.parametrize(
    ("phone", "outcome"),
    [("+919999900002", "busy"), ("+919999900003", "failed"), ("+919999900004", "voicemail")],
)
def test_simulator_test_numbers(client, agent, api_key, celery_worker, phone, outcome):
    lead = load_fixture("lead-created.json") | {"Phone": phone}

    response = post_lead(client, agent, api_key, body=__import__("json").dumps(lead).encode())

    call = wait_for(lambda: final_call(response.json()["call_id"]))
    assert call.outcome == outcome
    assert call.status == Call.Status.NOT_REACHED


def test_due_retry_is_dispatched_and_placed(client, agent, api_key, celery_worker):
    from calls.tasks import dispatch

    lead = load_fixture("lead-created.json") | {"Phone": "+919999900001"}
    response = post_lead(client, agent, api_key, body=__import__("json").dumps(lead).encode(), num_of_retries=1, gap_between_retries=1)
    call_id = response.json()["call_id"]
    retry = wait_for(lambda: CallAttempt.objects.filter(call__public_id=call_id, number=2).first())
    CallAttempt.objects.filter(pk=retry.pk).update(scheduled_for=retry.scheduled_for - timedelta(hours=1, minutes=1))

    dispatch.delay()

    call = wait_for(lambda: final_call(call_id))
    assert list(call.attempts.values_list("number", "outcome")) == [(1, "no_answer"), (2, "no_answer")]
    assert call.status == Call.Status.NOT_REACHED


def test_admin_shows_the_call(client, agent, api_key, celery_worker, admin_client):
    response = post_lead(client, agent, api_key)
    wait_for(lambda: final_call(response.json()["call_id"]))

    page = admin_client.get("/admin/calls/call/")

    assert page.status_code == 200
    assert response.json()["call_id"] in page.content.decode()
