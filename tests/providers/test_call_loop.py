"""The whole loop for each provider over real HTTP: our app, a Celery worker and the provider's stub.

place_call → stub create-call → signed callback to the live server → outcome and retry rules.
"""
import json

import pytest
import requests

from calls.dispatcher import run_dispatcher
from calls.models import Call, CallAttempt
from calls.providers.stubs.server import INVALID_NUMBER, RATE_LIMITED_ONCE, SILENT
from calls.tasks import enqueue_place_call
from tests.providers.conftest import attempt_row, ended, start_lead, wait_for

pytestmark = pytest.mark.slow

ANSWERED = "+919876543210"
NO_ANSWER = "+919999900001"
BUSY = "+919999900002"
VOICEMAIL = "+919999900004"


def sent_fields(provider_name: str, body: dict) -> tuple[str, dict, str]:
    """Return the dialled number, the variables and our attempt id from a create-call body."""
    if provider_name == "retell":
        return body["to_number"], body["retell_llm_dynamic_variables"], body["metadata"]["callkaro_attempt_id"]
    if provider_name == "vapi":
        overrides = body["assistantOverrides"]
        return body["customer"]["number"], overrides["variableValues"], overrides["metadata"]["callkaro_attempt_id"]
    return body["phone_number"], body["request_data"], body["metadata"]["callkaro_attempt_id"]


def callbacks_settled(stub, count: int) -> bool:
    """Return True once ``count`` callbacks were sent and each got a response."""
    return len(stub.deliveries) >= count and all(delivery.status is not None for delivery in stub.deliveries)


def expected_callbacks(provider_name: str) -> int:
    # Retell sends call_ended and call_analyzed; Vapi a status-update and the report.
    return 1 if provider_name == "bland" else 2


def place_and_wait(attempt) -> CallAttempt:
    enqueue_place_call(attempt.pk)
    return wait_for(lambda: ended(attempt.pk))


def test_completed_call(stub, provider_name, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, ANSWERED)

    done = place_and_wait(attempt)
    wait_for(lambda: callbacks_settled(stub, expected_callbacks(provider_name)))
    done.refresh_from_db()

    assert done.outcome == "completed"
    assert done.call.status == Call.Status.COMPLETED
    assert done.provider_call_id in stub.calls
    assert "would like to know more" in done.transcript
    assert done.summary == "The lead asked for details."
    assert done.recording_url.startswith("https://recordings.invalid/")
    number, variables, attempt_id = sent_fields(provider_name, stub.create_requests[0])
    assert number == ANSWERED
    assert attempt_id == str(attempt.pk)
    assert variables["name"] == "Asha"
    assert variables["city"] == "Pune"
    assert variables["product_interest"] == "2BHK flat"
    assert all(delivery.status == 200 for delivery in stub.deliveries)


def test_no_answer_plans_retry(stub, provider_name, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, NO_ANSWER)

    done = place_and_wait(attempt)
    wait_for(lambda: callbacks_settled(stub, expected_callbacks(provider_name)))

    assert done.outcome == "no_answer"
    assert done.call.status == Call.Status.SCHEDULED
    retries = CallAttempt.objects.filter(call=done.call, number=2)
    assert retries.count() == 1
    assert retries.get().status == CallAttempt.Status.PENDING


@pytest.mark.parametrize("phone, outcome", [(BUSY, "busy"), (VOICEMAIL, "voicemail")])
def test_not_reached_outcome(stub, provider_agent_row, celery_worker, phone, outcome):
    attempt = start_lead(provider_agent_row, phone)

    done = place_and_wait(attempt)

    assert done.outcome == outcome
    assert done.call.status == Call.Status.SCHEDULED
    assert CallAttempt.objects.filter(call=done.call).count() == 2


def test_invalid_number_ends_without_retry(stub, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, INVALID_NUMBER)

    done = place_and_wait(attempt)

    assert done.outcome == "invalid_number"
    assert done.end_reason == "start_failed"
    assert done.call.status == Call.Status.NOT_REACHED
    assert CallAttempt.objects.filter(call=done.call).count() == 1
    assert stub.calls == {}


def test_rate_limit_retried_without_using_retry(stub, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, RATE_LIMITED_ONCE)

    enqueue_place_call(attempt.pk)
    done = wait_for(lambda: ended(attempt.pk), tick=run_dispatcher, every=0.5)

    assert done.outcome == "completed"
    assert done.number == 1
    assert done.transient_failures == 1
    assert CallAttempt.objects.filter(call=done.call).count() == 1
    assert len(stub.create_requests) == 2


def test_callback_delivered_twice(stub, provider_name, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, NO_ANSWER)
    done = place_and_wait(attempt)
    wait_for(lambda: callbacks_settled(stub, expected_callbacks(provider_name)))

    response = stub.redeliver(stub.deliveries[-1])

    assert response.status_code == 200
    again = attempt_row(attempt.pk)
    assert again.outcome == "no_answer"
    assert again.ended_at == done.ended_at
    assert CallAttempt.objects.filter(call=done.call).count() == 2


def test_wrong_signature_changes_nothing(stub, provider_name, provider_agent_row, celery_worker):
    attempt = start_lead(provider_agent_row, SILENT)
    enqueue_place_call(attempt.pk)
    placed = wait_for(lambda: attempt_row(attempt.pk).provider_call_id and attempt_row(attempt.pk))
    call = stub.calls[placed.provider_call_id]
    wait_for(lambda: call.ended)
    body = stub.callback_bodies(call)[-1]
    url = f"{stub.callback_base}/providers/{provider_name}/events"
    raw = json.dumps(body).encode()
    signed = stub.signature_headers(raw)
    tampered = raw.replace(b"+919999900007", b"+919999900008")

    forged = requests.post(url, data=tampered, headers={"Content-Type": "application/json", **signed}, timeout=10)
    unsigned = requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=10)

    assert forged.status_code == 401
    assert unsigned.status_code == 401
    still = attempt_row(attempt.pk)
    assert still.status == CallAttempt.Status.IN_PROGRESS
    assert still.outcome == ""


def test_polling_closes_silent_call(stub, provider_agent_row, celery_worker, settings):
    settings.CALLBACK_TIMEOUT = 0
    attempt = start_lead(provider_agent_row, SILENT)
    enqueue_place_call(attempt.pk)
    placed = wait_for(lambda: attempt_row(attempt.pk).provider_call_id and attempt_row(attempt.pk))
    wait_for(lambda: stub.calls[placed.provider_call_id].ended)

    done = wait_for(lambda: ended(attempt.pk), tick=run_dispatcher, every=0.5)

    assert done.outcome == "completed"
    assert done.polled_at is not None
    assert stub.deliveries == []
