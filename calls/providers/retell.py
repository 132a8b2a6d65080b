"""Retell AI: outbound phone calls through ``POST /v2/create-phone-call``.

Retell signs every webhook with the account's API key: ``x-retell-signature`` is
``v=<unix ms>,d=<hex HMAC-SHA256(api key, raw body + timestamp)>``, as Retell's own
SDKs compute it (retell-python-sdk ``lib/webhook_auth.py``). Webhooks name the call in
``call.call_id`` and carry the metadata we sent, which contains our attempt id.
"""
import time
from typing import Any
from urllib.parse import quote

from django import forms

from calls.outcomes_catalog import Outcome
from calls.phones import to_e164
from calls.providers import http
from calls.providers.base import (
    CallbackReference, CallEvent, CallRequest, InvalidSignature, Provider, ProviderError, StartedCall,
)
from calls.providers.forms import ProviderSettingsForm

API_URL = "https://api.retellai.com"
# Retell's SDKs reject a signature more than 5 minutes away from the receiver's clock.
SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000
NUMBER_WORDS = ("to_number", "invalid destination", "invalid phone")

# Every disconnection_reason in Retell's API reference (Call object) and its
# "Debug call disconnection" page, mapped onto the product's outcomes.
END_REASONS: dict[str, str] = {
    "user_hangup": Outcome.COMPLETED,
    "agent_hangup": Outcome.COMPLETED,
    "call_transfer": Outcome.COMPLETED,
    "transfer_bridged": Outcome.COMPLETED,
    "transfer_cancelled": Outcome.COMPLETED,
    "call_take_over": Outcome.COMPLETED,
    "max_duration_reached": Outcome.COMPLETED,
    "voicemail_reached": Outcome.VOICEMAIL,
    # An automated phone menu picked up, so no person was reached.
    "ivr_reached": Outcome.UNREACHABLE,
    # Picked up, but no one spoke before end_call_after_silence_ms ran out.
    "inactivity": Outcome.NO_ANSWER,
    "dial_busy": Outcome.BUSY,
    "dial_no_answer": Outcome.NO_ANSWER,
    "dial_failed": Outcome.FAILED,
    "invalid_destination": Outcome.INVALID_NUMBER,
    "user_declined": Outcome.REJECTED,
    "marked_as_spam": Outcome.UNREACHABLE,
    "telephony_provider_permission_denied": Outcome.FAILED,
    "telephony_provider_unavailable": Outcome.FAILED,
    "sip_routing_error": Outcome.FAILED,
    "concurrency_limit_reached": Outcome.FAILED,
    "no_concurrency_fallback": Outcome.FAILED,
    "no_valid_payment": Outcome.FAILED,
    "scam_detected": Outcome.FAILED,
    "registered_call_timeout": Outcome.FAILED,
    "manual_stopped": Outcome.CANCELED,
    "error_llm_websocket_open": Outcome.FAILED,
    "error_llm_websocket_lost_connection": Outcome.FAILED,
    "error_llm_websocket_runtime": Outcome.FAILED,
    "error_llm_websocket_corrupt_payload": Outcome.FAILED,
    "error_frontend_corrupted_payload": Outcome.FAILED,
    "error_twilio": Outcome.FAILED,
    "error_no_audio_received": Outcome.FAILED,
    "error_asr": Outcome.FAILED,
    "error_retell": Outcome.FAILED,
    "error_unknown": Outcome.FAILED,
    "error_user_not_joined": Outcome.FAILED,
}
# Call statuses after which Retell will not change the call any more.
FINAL_STATUSES = ("ended", "not_connected", "error")
# Webhook events that carry the final call object.
FINAL_EVENTS = ("call_ended", "call_analyzed")


class RetellSettingsForm(ProviderSettingsForm):
    provider_name = "retell"
    setting_names = ("agent_id", "from_number")

    agent_id = forms.CharField(
        max_length=100, label="Retell agent ID", help_text="The agent_id shown on the agent's page in Retell.",
    )
    from_number = forms.CharField(
        max_length=20, label="From number",
        help_text="A number bought in or imported into Retell, in E.164, e.g. +14157774444.",
    )


def outcome_for(reason: str) -> str:
    return http.outcome_for_reason("retell", END_REASONS, reason)


class RetellProvider(Provider):
    name = "retell"
    label = "Retell AI"
    settings_form = RetellSettingsForm

    def base_url(self) -> str:
        return http.api_base_url(self.name, API_URL)

    def headers(self, agent) -> dict[str, str]:
        return {"Authorization": f"Bearer {agent.provider_api_key}", "Content-Type": "application/json"}

    def validate_settings(self, settings: dict, api_key: str, webhook_secret: str = "") -> dict[str, str]:
        errors = {}
        if not api_key:
            errors["api_key"] = "Paste the API key from Retell's dashboard (Settings → API Keys)."
        if not (settings.get("agent_id") or "").strip():
            errors["agent_id"] = "Enter the Retell agent ID that should make the calls."
        from_number = (settings.get("from_number") or "").strip()
        if not from_number or to_e164(from_number, "IN") != from_number:
            errors["from_number"] = f"From number {from_number!r} is not a valid E.164 number; write it like +14157774444."
        return errors

    def start_call(self, agent, request: CallRequest) -> StartedCall:
        settings = agent.provider_settings
        body = {
            "from_number": settings.get("from_number", ""),
            "to_number": request.phone,
            "override_agent_id": settings.get("agent_id", ""),
            # Retell accepts only string values here.
            "retell_llm_dynamic_variables": {name: str(value) for name, value in request.variables.items()},
            "metadata": {"callkaro_attempt_id": str(request.attempt_id), "callkaro_call_id": request.call_id},
        }
        response = http.send("POST", f"{self.base_url()}/v2/create-phone-call", headers=self.headers(agent), json_body=body)
        if response.status_code not in (200, 201):
            raise http.classify_failure(self.label, response, NUMBER_WORDS)
        answer = http.response_json(response)
        call_id = answer.get("call_id")
        if not call_id:
            raise ProviderError("Retell accepted the call but returned no call_id.", permanent=False)
        return StartedCall(str(call_id), {"call_status": answer.get("call_status", "")})

    def callback_reference(self, body: bytes) -> CallbackReference:
        call = http.load_json_body(body).get("call")
        if not isinstance(call, dict):
            raise ValueError("A Retell webhook carries a call object.")
        return CallbackReference(http.attempt_id_from(call.get("metadata")), str(call.get("call_id") or ""))

    def verify_callback(self, agent, request) -> None:
        header = request.headers.get("x-retell-signature", "")
        parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        timestamp, digest = parts.get("v", ""), parts.get("d", "")
        if not timestamp.isdigit() or not digest or not agent.provider_api_key:
            raise InvalidSignature("The x-retell-signature header is missing or malformed.")
        if abs(time.time() * 1000 - int(timestamp)) > SIGNATURE_TOLERANCE_MS:
            raise InvalidSignature("The x-retell-signature timestamp is outside the 5 minute tolerance.")
        expected = http.hmac_sha256_hex(agent.provider_api_key, request.body + timestamp.encode())
        http.require_equal(expected, digest)

    def parse_callback(self, request) -> list[CallEvent]:
        data = http.load_json_body(request.body)
        call = data.get("call") or {}
        final = data.get("event") in FINAL_EVENTS
        return [self.event_from_call(call, final=final)]

    def event_from_call(self, call: dict[str, Any], *, final: bool) -> CallEvent:
        reason = str(call.get("disconnection_reason") or "")
        duration_ms = call.get("duration_ms")
        analysis = call.get("call_analysis") or {}
        return CallEvent(
            provider_call_id=str(call.get("call_id") or ""),
            attempt_id=http.attempt_id_from(call.get("metadata")),
            outcome=outcome_for(reason) if final else None,
            end_reason=reason,
            duration_seconds=duration_ms / 1000 if isinstance(duration_ms, (int, float)) else None,
            transcript=str(call.get("transcript") or ""),
            summary=str(analysis.get("call_summary") or "") if isinstance(analysis, dict) else "",
            recording_url=str(call.get("recording_url") or ""),
            raw={key: call.get(key) for key in ("call_id", "call_status", "disconnection_reason", "duration_ms")},
        )

    def fetch_call(self, agent, provider_call_id: str) -> CallEvent | None:
        response = http.send("GET", f"{self.base_url()}/v2/get-call/{quote(provider_call_id, safe='')}", headers=self.headers(agent))
        if response.status_code != 200:
            raise http.classify_failure(self.label, response, ())
        call = http.response_json(response)
        if call.get("call_status") not in FINAL_STATUSES:
            return None
        return self.event_from_call(call, final=True)
