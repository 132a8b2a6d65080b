"""Every documented end reason of each provider, mapped onto the product's outcomes, row by row."""
import logging

import pytest

from calls.outcomes_catalog import Outcome
from calls.providers import bland, http, retell, vapi

RETELL_ROWS = [
    ("user_hangup", "completed"), ("agent_hangup", "completed"), ("call_transfer", "completed"),
    ("transfer_bridged", "completed"), ("transfer_cancelled", "completed"), ("call_take_over", "completed"),
    ("max_duration_reached", "completed"), ("voicemail_reached", "voicemail"), ("ivr_reached", "unreachable"),
    ("inactivity", "no_answer"), ("dial_busy", "busy"), ("dial_no_answer", "no_answer"), ("dial_failed", "failed"),
    ("invalid_destination", "invalid_number"), ("user_declined", "rejected"), ("marked_as_spam", "unreachable"),
    ("telephony_provider_permission_denied", "failed"), ("telephony_provider_unavailable", "failed"),
    ("sip_routing_error", "failed"), ("concurrency_limit_reached", "failed"), ("no_concurrency_fallback", "failed"),
    ("no_valid_payment", "failed"), ("scam_detected", "failed"), ("registered_call_timeout", "failed"),
    ("manual_stopped", "canceled"), ("error_llm_websocket_open", "failed"),
    ("error_llm_websocket_lost_connection", "failed"), ("error_llm_websocket_runtime", "failed"),
    ("error_llm_websocket_corrupt_payload", "failed"), ("error_frontend_corrupted_payload", "failed"),
    ("error_twilio", "failed"), ("error_no_audio_received", "failed"), ("error_asr", "failed"),
    ("error_retell", "failed"), ("error_unknown", "failed"), ("error_user_not_joined", "failed"),
]

VAPI_ROWS = [
    ("assistant-ended-call", "completed"), ("assistant-said-end-call-phrase", "completed"),
    ("assistant-ended-call-with-hangup-task", "completed"), ("assistant-ended-call-after-message-spoken", "completed"),
    ("assistant-forwarded-call", "completed"), ("customer-ended-call", "completed"),
    ("customer-ended-call-before-warm-transfer", "completed"),
    ("customer-ended-call-after-warm-transfer-attempt", "completed"),
    ("customer-ended-call-during-transfer", "completed"), ("exceeded-max-duration", "completed"),
    ("call.forwarding.operator-busy", "completed"), ("call.in-progress.twilio-completed-call", "completed"),
    ("call.in-progress.sip-completed-call", "completed"), ("vonage-completed", "completed"),
    ("call.ending.hook-executed-say", "completed"), ("call.ending.hook-executed-transfer", "completed"),
    ("voicemail", "voicemail"), ("customer-busy", "busy"), ("customer-did-not-answer", "no_answer"),
    ("silence-timed-out", "no_answer"), ("call.ringing.hook-executed-say", "no_answer"),
    ("call.ringing.hook-executed-transfer", "no_answer"),
    ("call.ringing.sip-inbound-caller-hungup-before-call-connect", "no_answer"), ("vonage-rejected", "rejected"),
    ("call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable", "unreachable"),
    ("twilio-reported-customer-misdialed", "invalid_number"), ("manually-canceled", "canceled"),
    ("call-deleted", "canceled"), ("scheduled-call-deleted", "canceled"),
    ("customer-did-not-give-microphone-permission", "failed"), ("twilio-failed-to-connect-call", "failed"),
    ("vonage-failed-to-connect-call", "failed"), ("vonage-disconnected", "failed"),
    ("phone-call-provider-closed-websocket", "failed"),
    ("phone-call-provider-bypass-enabled-but-no-call-received", "failed"), ("worker-shutdown", "failed"),
    ("assistant-join-timed-out", "failed"), ("assistant-error", "failed"), ("assistant-not-found", "failed"),
    ("assistant-not-valid", "failed"), ("assistant-not-invalid", "failed"), ("assistant-not-provided", "failed"),
    ("db-error", "failed"), ("no-server-available", "failed"), ("license-check-failed", "failed"),
    # One documented code from each error family matched by prefix.
    ("pipeline-error-openai-llm-failed", "failed"),
    ("call.in-progress.error-vapifault-worker-died", "failed"),
    ("call.start.error-subscription-concurrency-limit-reached", "failed"),
    ("call.ringing.error-sip-inbound-call-failed-to-connect", "failed"),
    ("call-start-error-neither-assistant-nor-server-set", "failed"),
    ("assistant-request-returned-error", "failed"),
]

BLAND_ROWS = [
    ("error_message:busy", "busy"), ("error_message:no_answer", "no_answer"),
    ("error_message:invalid_number", "invalid_number"), ("answered_by:human", "completed"),
    ("answered_by:unknown", "completed"), ("answered_by:voicemail", "voicemail"),
    ("answered_by:no-answer", "no_answer"), ("queue_status:complete", "completed"),
    ("queue_status:completed", "completed"), ("queue_status:complete_error", "completed"),
    ("queue_status:pre_queue_error", "failed"), ("queue_status:queue_error", "unreachable"),
    ("queue_status:call_error", "failed"),
]

# Bland call-details fields → the end reason the adapter builds from them.
BLAND_FIELDS = [
    ({"queue_status": "complete", "answered_by": "human"}, "answered_by:human"),
    ({"queue_status": "completed", "answered_by": None}, "queue_status:completed"),
    ({"queue_status": "complete", "answered_by": "voicemail"}, "answered_by:voicemail"),
    ({"queue_status": "complete", "answered_by": "no-answer"}, "answered_by:no-answer"),
    ({"queue_status": "call_error", "error_message": "Line busy"}, "error_message:busy"),
    ({"queue_status": "call_error", "error_message": "No answer from callee"}, "error_message:no_answer"),
    ({"queue_status": "pre_queue_error", "error_message": "Invalid phone number"}, "error_message:invalid_number"),
    ({"queue_status": "call_error", "answered_by": "human", "error_message": "Socket closed"}, "queue_status:call_error"),
    ({"queue_status": "queue_error", "error_message": None}, "queue_status:queue_error"),
]


def test_tables_cover_rows():
    assert set(retell.END_REASONS) == {reason for reason, _ in RETELL_ROWS}
    assert set(vapi.END_REASONS) <= {reason for reason, _ in VAPI_ROWS}
    assert set(bland.END_REASONS) == {reason for reason, _ in BLAND_ROWS}


@pytest.mark.parametrize("reason, outcome", RETELL_ROWS)
def test_retell_reason(reason, outcome):
    assert retell.outcome_for(reason) == outcome


@pytest.mark.parametrize("reason, outcome", VAPI_ROWS)
def test_vapi_reason(reason, outcome):
    assert vapi.outcome_for(reason) == outcome


@pytest.mark.parametrize("reason, outcome", BLAND_ROWS)
def test_bland_reason(reason, outcome):
    assert bland.outcome_for(reason) == outcome


@pytest.mark.parametrize("fields, reason", BLAND_FIELDS)
def test_bland_reason_from_fields(fields, reason):
    assert bland.end_reason(fields) == reason


@pytest.mark.parametrize("outcome_for", [retell.outcome_for, vapi.outcome_for, bland.outcome_for])
def test_unknown_reason_logged_once(outcome_for, caplog):
    http._unknown_reasons.clear()
    caplog.set_level(logging.WARNING, logger="calls.providers.http")

    first = outcome_for("brand-new-reason-2027")
    second = outcome_for("brand-new-reason-2027")

    assert first == Outcome.FAILED
    assert second == Outcome.FAILED
    warnings = [record for record in caplog.records if "brand-new-reason-2027" in record.getMessage()]
    assert len(warnings) == 1
