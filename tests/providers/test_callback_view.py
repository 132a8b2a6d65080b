"""The callback endpoint: which requests it accepts, and how late or repeated events apply."""
import json
import time

import pytest
from django.db.models import F

from calls.models import CallAttempt
from calls.providers.http import hmac_sha256_hex
from tests.providers.conftest import provider_agent, start_lead

RETELL_KEY = "key_test_retell"


@pytest.fixture
def retell_attempt(workspace):
    """An in-progress Retell attempt whose provider call id is call_abc."""
    agent = provider_agent(workspace, "retell")
    attempt = start_lead(agent, "+919876543210")
    CallAttempt.objects.filter(pk=attempt.pk).update(
        status=CallAttempt.Status.IN_PROGRESS, provider="retell", provider_call_id="call_abc", started_at=F("created_at"),
    )
    return attempt


def retell_body(attempt_id, event="call_ended", reason="dial_no_answer", **call_fields) -> bytes:
    call = {"call_id": "call_abc", "metadata": {"callkaro_attempt_id": str(attempt_id)}, "disconnection_reason": reason}
    call.update(call_fields)
    return json.dumps({"event": event, "call": call}).encode()


def retell_signature(body: bytes, key: str = RETELL_KEY, timestamp_ms: int | None = None) -> str:
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    return f"v={timestamp},d={hmac_sha256_hex(key, body + timestamp.encode())}"


def post_retell(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_RETELL_SIGNATURE": signature} if signature is not None else {}
    return client.post("/providers/retell/events", data=body, content_type="application/json", **headers)


def test_signed_callback_accepted(client, retell_attempt):
    body = retell_body(retell_attempt.pk)

    response = post_retell(client, body, retell_signature(body))

    assert response.status_code == 200
    assert CallAttempt.objects.get(pk=retell_attempt.pk).outcome == "no_answer"


@pytest.mark.parametrize("case", ["unsigned", "wrong key", "expired", "malformed"])
def test_bad_signature_rejected(client, retell_attempt, case):
    body = retell_body(retell_attempt.pk)
    signature = {
        "unsigned": None,
        "wrong key": retell_signature(body, key="key_other"),
        "expired": retell_signature(body, timestamp_ms=int((time.time() - 600) * 1000)),
        "malformed": "sha256=abc",
    }[case]

    response = post_retell(client, body, signature)

    assert response.status_code == 401
    assert CallAttempt.objects.get(pk=retell_attempt.pk).status == CallAttempt.Status.IN_PROGRESS


def test_unknown_call_rejected_like_bad_signature(client, retell_attempt):
    body = retell_body(retell_attempt.pk + 1000)

    response = post_retell(client, body, retell_signature(body))

    assert response.status_code == 401
    assert response.json() == post_retell(client, body, None).json()


def test_other_call_id_rejected(client, retell_attempt):
    body = retell_body(retell_attempt.pk, call_id="call_other")

    response = post_retell(client, body, retell_signature(body))

    assert response.status_code == 401
    assert CallAttempt.objects.get(pk=retell_attempt.pk).status == CallAttempt.Status.IN_PROGRESS


def test_lookup_by_provider_call_id(client, retell_attempt):
    body = json.dumps({"event": "call_ended", "call": {"call_id": "call_abc", "disconnection_reason": "dial_busy"}}).encode()

    response = post_retell(client, body, retell_signature(body))

    assert response.status_code == 200
    assert CallAttempt.objects.get(pk=retell_attempt.pk).outcome == "busy"


def test_analysis_before_end(client, retell_attempt):
    analyzed = retell_body(
        retell_attempt.pk, event="call_analyzed", reason="user_hangup",
        call_analysis={"call_summary": "Wants a brochure."},
    )
    ended = retell_body(retell_attempt.pk, reason="user_hangup", transcript="Agent: Hello", recording_url="https://r.invalid/1.wav")

    first = post_retell(client, analyzed, retell_signature(analyzed))
    ended_at = CallAttempt.objects.get(pk=retell_attempt.pk).ended_at
    second = post_retell(client, ended, retell_signature(ended))

    assert first.status_code == 200
    assert second.status_code == 200
    attempt = CallAttempt.objects.get(pk=retell_attempt.pk)
    assert attempt.outcome == "completed"
    assert attempt.ended_at == ended_at
    assert attempt.summary == "Wants a brochure."
    assert attempt.transcript == "Agent: Hello"
    assert attempt.recording_url == "https://r.invalid/1.wav"


def test_end_twice_keeps_first_outcome(client, retell_attempt):
    first = retell_body(retell_attempt.pk, reason="dial_no_answer")
    second = retell_body(retell_attempt.pk, reason="user_hangup")

    post_retell(client, first, retell_signature(first))
    post_retell(client, second, retell_signature(second))

    attempt = CallAttempt.objects.get(pk=retell_attempt.pk)
    assert attempt.outcome == "no_answer"
    assert CallAttempt.objects.filter(call=attempt.call).count() == 2


def test_call_started_changes_nothing(client, retell_attempt):
    body = retell_body(retell_attempt.pk, event="call_started", reason="")

    response = post_retell(client, body, retell_signature(body))

    assert response.status_code == 200
    assert CallAttempt.objects.get(pk=retell_attempt.pk).status == CallAttempt.Status.IN_PROGRESS


@pytest.mark.parametrize("path, status", [
    ("/providers/simulator/events", 404),
    ("/providers/nosuch/events", 404),
])
def test_unknown_provider(client, db, path, status):
    response = client.post(path, data=b"{}", content_type="application/json")

    assert response.status_code == status


def test_get_not_allowed(client, db):
    assert client.get("/providers/retell/events").status_code == 405


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"event": "call_ended"}'])
def test_unreadable_body(client, db, body):
    response = post_retell(client, body, None)

    assert response.status_code == 400


@pytest.fixture
def vapi_secret_attempt(workspace):
    agent = provider_agent(workspace, "vapi")
    agent.provider_settings["webhook_auth"] = "secret"
    agent.save()
    attempt = start_lead(agent, "+919876543210")
    CallAttempt.objects.filter(pk=attempt.pk).update(
        status=CallAttempt.Status.IN_PROGRESS, provider="vapi", provider_call_id="vapi_1", started_at=F("created_at"),
    )
    return attempt


def vapi_report(attempt_id) -> bytes:
    call = {"id": "vapi_1", "assistantOverrides": {"metadata": {"callkaro_attempt_id": str(attempt_id)}}}
    return json.dumps({"message": {"type": "end-of-call-report", "endedReason": "customer-busy", "call": call}}).encode()


@pytest.mark.parametrize("headers, status", [
    ({"HTTP_X_VAPI_SECRET": "test-vapi-secret"}, 200),
    ({"HTTP_AUTHORIZATION": "Bearer test-vapi-secret"}, 200),
    ({"HTTP_X_VAPI_SECRET": "wrong"}, 401),
    ({}, 401),
])
def test_vapi_shared_secret(client, vapi_secret_attempt, headers, status):
    response = client.post(
        "/providers/vapi/events", data=vapi_report(vapi_secret_attempt.pk), content_type="application/json", **headers,
    )

    assert response.status_code == status
    expected = "busy" if status == 200 else ""
    assert CallAttempt.objects.get(pk=vapi_secret_attempt.pk).outcome == expected


@pytest.fixture
def vapi_hmac_attempt(workspace):
    agent = provider_agent(workspace, "vapi")
    attempt = start_lead(agent, "+919876543210")
    CallAttempt.objects.filter(pk=attempt.pk).update(
        status=CallAttempt.Status.IN_PROGRESS, provider="vapi", provider_call_id="vapi_1", started_at=F("created_at"),
    )
    return attempt


@pytest.mark.parametrize("case, timestamp, status", [
    ("milliseconds", lambda: str(int(time.time() * 1000)), 200),
    ("seconds", lambda: str(int(time.time())), 200),
    ("expired", lambda: str(int(time.time()) - 600), 401),
    ("not a number", lambda: "yesterday", 401),
])
def test_vapi_hmac_timestamp(client, vapi_hmac_attempt, case, timestamp, status):
    body = vapi_report(vapi_hmac_attempt.pk)
    sent_at = timestamp()
    signature = hmac_sha256_hex("test-vapi-secret", sent_at.encode() + b"." + body)

    response = client.post(
        "/providers/vapi/events", data=body, content_type="application/json",
        HTTP_X_TIMESTAMP=sent_at, HTTP_X_SIGNATURE=signature,
    )

    assert response.status_code == status
