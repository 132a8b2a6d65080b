"""Vapi: outbound phone calls through ``POST /call``.

Vapi posts server messages to the Server URL set on the assistant or phone number; the
one that ends a call is ``end-of-call-report`` with ``message.endedReason``. Vapi sends
its custom credential only with a Server URL saved in its dashboard, so the agent's
settings record which credential type was attached there:

- ``hmac``: ``x-signature`` is the hex HMAC-SHA256 of ``{x-timestamp}.{raw body}``
  (Vapi's HMACAuthenticationPlan defaults: sha256, headers x-signature and x-timestamp,
  payload format ``{timestamp}.{body}``);
- ``secret``: the shared secret arrives as ``X-Vapi-Secret`` or as a Bearer token.

Our attempt id travels in ``assistantOverrides.metadata``, which Vapi returns on the call.
"""
import time
from typing import Any
from urllib.parse import quote

from django import forms

from calls.outcomes_catalog import Outcome
from calls.providers import http
from calls.providers.base import (
    CallbackReference, CallEvent, CallRequest, InvalidSignature, Provider, ProviderError, StartedCall,
)
from calls.providers.forms import ProviderSettingsForm, SecretInput

API_URL = "https://api.vapi.ai"
SIGNATURE_TOLERANCE_SECONDS = 5 * 60
NUMBER_WORDS = ("customer.number", "customer number", "invalid phone")
AUTH_HMAC = "hmac"
AUTH_SECRET = "secret"

# The endedReason values of Vapi's Call object (API reference) that are not error codes.
# The error families below (hundreds of pipeline and transport codes) are matched by prefix.
END_REASONS: dict[str, str] = {
    "assistant-ended-call": Outcome.COMPLETED,
    "assistant-said-end-call-phrase": Outcome.COMPLETED,
    "assistant-ended-call-with-hangup-task": Outcome.COMPLETED,
    "assistant-ended-call-after-message-spoken": Outcome.COMPLETED,
    "assistant-forwarded-call": Outcome.COMPLETED,
    "customer-ended-call": Outcome.COMPLETED,
    "customer-ended-call-before-warm-transfer": Outcome.COMPLETED,
    "customer-ended-call-after-warm-transfer-attempt": Outcome.COMPLETED,
    "customer-ended-call-during-transfer": Outcome.COMPLETED,
    "exceeded-max-duration": Outcome.COMPLETED,
    "call.forwarding.operator-busy": Outcome.COMPLETED,
    "call.in-progress.twilio-completed-call": Outcome.COMPLETED,
    "call.in-progress.sip-completed-call": Outcome.COMPLETED,
    "vonage-completed": Outcome.COMPLETED,
    "call.ending.hook-executed-say": Outcome.COMPLETED,
    "call.ending.hook-executed-transfer": Outcome.COMPLETED,
    "voicemail": Outcome.VOICEMAIL,
    "customer-busy": Outcome.BUSY,
    "customer-did-not-answer": Outcome.NO_ANSWER,
    "silence-timed-out": Outcome.NO_ANSWER,
    "call.ringing.hook-executed-say": Outcome.NO_ANSWER,
    "call.ringing.hook-executed-transfer": Outcome.NO_ANSWER,
    "call.ringing.sip-inbound-caller-hungup-before-call-connect": Outcome.NO_ANSWER,
    "vonage-rejected": Outcome.REJECTED,
    "call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable": Outcome.UNREACHABLE,
    "twilio-reported-customer-misdialed": Outcome.INVALID_NUMBER,
    "manually-canceled": Outcome.CANCELED,
    "call-deleted": Outcome.CANCELED,
    "scheduled-call-deleted": Outcome.CANCELED,
    "customer-did-not-give-microphone-permission": Outcome.FAILED,
    "twilio-failed-to-connect-call": Outcome.FAILED,
    "vonage-failed-to-connect-call": Outcome.FAILED,
    "vonage-disconnected": Outcome.FAILED,
    "phone-call-provider-closed-websocket": Outcome.FAILED,
    "phone-call-provider-bypass-enabled-but-no-call-received": Outcome.FAILED,
    "worker-shutdown": Outcome.FAILED,
    "assistant-join-timed-out": Outcome.FAILED,
    "assistant-error": Outcome.FAILED,
    "assistant-not-found": Outcome.FAILED,
    "assistant-not-valid": Outcome.FAILED,
    "assistant-not-invalid": Outcome.FAILED,
    "assistant-not-provided": Outcome.FAILED,
    "db-error": Outcome.FAILED,
    "no-server-available": Outcome.FAILED,
    "license-check-failed": Outcome.FAILED,
}
ERROR_PREFIXES: tuple[tuple[str, str], ...] = (
    ("pipeline-error-", Outcome.FAILED),
    ("call.in-progress.error-", Outcome.FAILED),
    ("call.start.error-", Outcome.FAILED),
    ("call.ringing.error-", Outcome.FAILED),
    ("call-start-error-", Outcome.FAILED),
    ("assistant-request-", Outcome.FAILED),
)


class VapiSettingsForm(ProviderSettingsForm):
    provider_name = "vapi"
    setting_names = ("assistant_id", "phone_number_id", "webhook_auth")
    uses_webhook_secret = True

    assistant_id = forms.CharField(max_length=100, label="Assistant ID", help_text="The ID shown on the assistant's page in Vapi.")
    phone_number_id = forms.CharField(
        max_length=100, label="Phone number ID", help_text="The ID of the Vapi phone number to call from (not the number itself).",
    )
    webhook_auth = forms.ChoiceField(
        label="Server URL credential",
        choices=[(AUTH_HMAC, "HMAC (x-signature, SHA256)"), (AUTH_SECRET, "Secret header or Bearer token")],
        initial=AUTH_HMAC,
        help_text="The credential type attached to the Server URL in Vapi.",
    )
    webhook_secret = forms.CharField(
        required=False, widget=SecretInput(), label="Server URL secret",
        help_text="The HMAC secret key or the shared secret of that credential.",
    )


def outcome_for(reason: str) -> str:
    return http.outcome_for_reason("vapi", END_REASONS, reason, ERROR_PREFIXES)


def _timestamp_seconds(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    # Milliseconds since the epoch are above 10^11; seconds stay below it until the year 5138.
    return value / 1000 if value > 1e11 else value


class VapiProvider(Provider):
    name = "vapi"
    label = "Vapi"
    settings_form = VapiSettingsForm

    def base_url(self) -> str:
        return http.api_base_url(self.name, API_URL)

    def headers(self, agent) -> dict[str, str]:
        return {"Authorization": f"Bearer {agent.provider_api_key}", "Content-Type": "application/json"}

    def validate_settings(self, settings: dict, api_key: str, webhook_secret: str = "") -> dict[str, str]:
        errors = {}
        if not api_key:
            errors["api_key"] = "Paste the private API key from Vapi's dashboard (Organization → API Keys)."
        if not (settings.get("assistant_id") or "").strip():
            errors["assistant_id"] = "Enter the ID of the Vapi assistant that should make the calls."
        if not (settings.get("phone_number_id") or "").strip():
            errors["phone_number_id"] = "Enter the ID of the Vapi phone number to call from."
        auth = settings.get("webhook_auth") or ""
        if auth not in (AUTH_HMAC, AUTH_SECRET):
            errors["webhook_auth"] = f"Credential type {auth!r} is not supported; choose {AUTH_HMAC!r} or {AUTH_SECRET!r}."
        if not webhook_secret:
            errors["webhook_secret"] = "Paste the secret of the credential attached to the Server URL in Vapi."
        return errors

    def start_call(self, agent, request: CallRequest) -> StartedCall:
        settings = agent.provider_settings
        body = {
            "assistantId": settings.get("assistant_id", ""),
            "phoneNumberId": settings.get("phone_number_id", ""),
            "customer": {"number": request.phone},
            "assistantOverrides": {
                "variableValues": dict(request.variables),
                "metadata": {"callkaro_attempt_id": str(request.attempt_id), "callkaro_call_id": request.call_id},
            },
        }
        response = http.send("POST", f"{self.base_url()}/call", headers=self.headers(agent), json_body=body)
        if response.status_code not in (200, 201):
            raise http.classify_failure(self.label, response, NUMBER_WORDS)
        answer = http.response_json(response)
        call_id = answer.get("id")
        if not call_id:
            raise ProviderError("Vapi accepted the call but returned no id.", permanent=False)
        return StartedCall(str(call_id), {"status": answer.get("status", "")})

    def callback_reference(self, body: bytes) -> CallbackReference:
        message = http.load_json_body(body).get("message")
        if not isinstance(message, dict) or not isinstance(message.get("call"), dict):
            raise ValueError("A Vapi server message carries message.call.")
        call = message["call"]
        return CallbackReference(self.attempt_id_of(call), str(call.get("id") or ""))

    @staticmethod
    def attempt_id_of(call: dict[str, Any]) -> int | None:
        overrides = call.get("assistantOverrides") or {}
        return http.attempt_id_from(overrides.get("metadata") if isinstance(overrides, dict) else None)

    def verify_callback(self, agent, request) -> None:
        secret = agent.provider_webhook_secret
        if not secret:
            raise InvalidSignature("The agent has no Vapi Server URL secret saved.")
        if agent.provider_settings.get("webhook_auth") == AUTH_SECRET:
            received = request.headers.get("x-vapi-secret", "")
            authorization = request.headers.get("authorization", "")
            if not received and authorization.lower().startswith("bearer "):
                received = authorization[len("bearer "):]
            http.require_equal(secret, received)
            return

        timestamp = request.headers.get("x-timestamp", "")
        sent_at = _timestamp_seconds(timestamp)
        if sent_at is None:
            raise InvalidSignature("The x-timestamp header is missing or not a number.")
        if abs(time.time() - sent_at) > SIGNATURE_TOLERANCE_SECONDS:
            raise InvalidSignature("The x-timestamp header is outside the 5 minute tolerance.")
        expected = http.hmac_sha256_hex(secret, timestamp.encode() + b"." + request.body)
        http.require_equal(expected, request.headers.get("x-signature", ""))

    def parse_callback(self, request) -> list[CallEvent]:
        message = http.load_json_body(request.body).get("message") or {}
        kind = message.get("type")
        if kind == "end-of-call-report":
            return [self.event_from(message.get("call") or {}, message, final=True)]
        if kind == "status-update" and message.get("status") == "ended" and message.get("endedReason"):
            return [self.event_from(message.get("call") or {}, message, final=True)]
        return []

    def event_from(self, call: dict[str, Any], report: dict[str, Any], *, final: bool) -> CallEvent:
        """Build an event from a call object and, for a report, the fields Vapi puts beside it."""
        reason = str(report.get("endedReason") or call.get("endedReason") or "")
        artifact = report.get("artifact") or call.get("artifact") or {}
        analysis = report.get("analysis") or call.get("analysis") or {}
        duration = report.get("durationSeconds")
        return CallEvent(
            provider_call_id=str(call.get("id") or ""),
            attempt_id=self.attempt_id_of(call),
            outcome=outcome_for(reason) if final else None,
            end_reason=reason,
            duration_seconds=float(duration) if isinstance(duration, (int, float)) else None,
            transcript=str(report.get("transcript") or artifact.get("transcript") or ""),
            summary=str(report.get("summary") or analysis.get("summary") or ""),
            recording_url=str(report.get("recordingUrl") or artifact.get("recordingUrl") or ""),
            raw={"id": call.get("id"), "status": call.get("status"), "endedReason": reason},
        )

    def fetch_call(self, agent, provider_call_id: str) -> CallEvent | None:
        response = http.send("GET", f"{self.base_url()}/call/{quote(provider_call_id, safe='')}", headers=self.headers(agent))
        if response.status_code != 200:
            raise http.classify_failure(self.label, response, ())
        call = http.response_json(response)
        if call.get("status") != "ended":
            return None
        return self.event_from(call, {}, final=True)
