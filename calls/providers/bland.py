"""Bland AI: outbound phone calls through ``POST /v1/calls``.

Each call names its own post-call ``webhook``: our ``/providers/bland/events``. Bland signs
webhooks with the account's webhook signing secret: ``X-Webhook-Signature`` is the hex
HMAC-SHA256 of the raw body, with no timestamp ("Webhook Signing" in Bland's docs). The
post-call body is the call-details object; our attempt id is in its ``metadata``.
"""
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings as django_settings
from django.urls import reverse

from calls.outcomes_catalog import Outcome
from calls.phones import to_e164
from calls.providers import http
from calls.providers.base import (
    CallbackReference, CallEvent, CallRequest, InvalidSignature, Provider, ProviderError, StartedCall,
)
from calls.providers.forms import ProviderSettingsForm, SecretInput

API_URL = "https://api.bland.ai"
NUMBER_WORDS = ("phone_number", "phone number", "invalid number")

# Bland reports no single end reason, so the adapter builds one from the call-details
# fields, most specific first: a recognised error_message, then answered_by (set when
# answered_by_enabled is true), then queue_status. Every documented value is a row.
END_REASONS: dict[str, str] = {
    "error_message:busy": Outcome.BUSY,
    "error_message:no_answer": Outcome.NO_ANSWER,
    "error_message:invalid_number": Outcome.INVALID_NUMBER,
    "answered_by:human": Outcome.COMPLETED,
    # Bland: "unknown is most likely a human"; there was too little audio to tell.
    "answered_by:unknown": Outcome.COMPLETED,
    "answered_by:voicemail": Outcome.VOICEMAIL,
    "answered_by:no-answer": Outcome.NO_ANSWER,
    "queue_status:complete": Outcome.COMPLETED,
    "queue_status:completed": Outcome.COMPLETED,
    # The call itself ended normally; a step after it (such as a webhook) failed.
    "queue_status:complete_error": Outcome.COMPLETED,
    # Invalid request parameters, found before the call was queued.
    "queue_status:pre_queue_error": Outcome.FAILED,
    # A valid number that could not be reached, e.g. an unserviced area.
    "queue_status:queue_error": Outcome.UNREACHABLE,
    "queue_status:call_error": Outcome.FAILED,
}
FINAL_QUEUE_STATUSES = frozenset({"complete", "completed", "complete_error", "pre_queue_error", "queue_error", "call_error"})
ERROR_QUEUE_STATUSES = frozenset({"pre_queue_error", "queue_error", "call_error"})
# Words in error_message that name a dial result more precisely than queue_status.
ERROR_MESSAGE_REASONS = (
    ("busy", "error_message:busy"),
    ("no answer", "error_message:no_answer"),
    ("no-answer", "error_message:no_answer"),
    ("invalid phone", "error_message:invalid_number"),
    ("invalid number", "error_message:invalid_number"),
)


class BlandSettingsForm(ProviderSettingsForm):
    provider_name = "bland"
    setting_names = ("pathway_id", "task", "from_number")
    uses_webhook_secret = True

    pathway_id = forms.CharField(
        required=False, max_length=100, label="Pathway ID", help_text="The conversational pathway to follow; or write a task below.",
    )
    task = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Task",
        help_text="The prompt for the call, used when no pathway ID is set. {{name}} inserts a call variable.",
    )
    from_number = forms.CharField(
        required=False, max_length=20, label="From number", help_text="Optional: a Bland number in E.164, e.g. +14157774444.",
    )
    webhook_secret = forms.CharField(
        required=False, widget=SecretInput(), label="Webhook signing secret",
        help_text="Bland dashboard → Settings → Keys → Webhook signing secret.",
    )


def end_reason(call: dict[str, Any]) -> str:
    queue_status = str(call.get("queue_status") or "")
    error_message = str(call.get("error_message") or "").lower()
    if queue_status in ERROR_QUEUE_STATUSES or error_message:
        for words, reason in ERROR_MESSAGE_REASONS:
            if words in error_message:
                return reason
    answered_by = call.get("answered_by")
    if answered_by and queue_status not in ERROR_QUEUE_STATUSES:
        return f"answered_by:{answered_by}"
    return f"queue_status:{queue_status}"


def outcome_for(reason: str) -> str:
    return http.outcome_for_reason("bland", END_REASONS, reason)


def is_final(call: dict[str, Any]) -> bool:
    return call.get("completed") is True or call.get("queue_status") in FINAL_QUEUE_STATUSES


class BlandProvider(Provider):
    name = "bland"
    label = "Bland AI"
    settings_form = BlandSettingsForm

    def base_url(self) -> str:
        return http.api_base_url(self.name, API_URL)

    def headers(self, agent) -> dict[str, str]:
        return {"authorization": agent.provider_api_key, "Content-Type": "application/json"}

    def callback_url(self) -> str:
        return django_settings.PUBLIC_BASE_URL.rstrip("/") + reverse("provider-events", args=[self.name])

    def validate_settings(self, settings: dict, api_key: str, webhook_secret: str = "") -> dict[str, str]:
        errors = {}
        if not api_key:
            errors["api_key"] = "Paste the API key from Bland's dashboard (Settings → API Key)."
        pathway_id = (settings.get("pathway_id") or "").strip()
        task = (settings.get("task") or "").strip()
        if bool(pathway_id) == bool(task):
            errors["pathway_id"] = "Set either a pathway ID or a task, not both and not neither."
        from_number = (settings.get("from_number") or "").strip()
        if from_number and to_e164(from_number, "IN") != from_number:
            errors["from_number"] = f"From number {from_number!r} is not a valid E.164 number; write it like +14157774444."
        if not webhook_secret:
            errors["webhook_secret"] = "Paste the webhook signing secret from Bland (Settings → Keys); callbacks are checked with it."
        return errors

    def start_call(self, agent, request: CallRequest) -> StartedCall:
        settings = agent.provider_settings
        body: dict[str, Any] = {
            "phone_number": request.phone,
            "request_data": dict(request.variables),
            "metadata": {"callkaro_attempt_id": str(request.attempt_id), "callkaro_call_id": request.call_id},
            "webhook": self.callback_url(),
            # Makes Bland report answered_by (human, voicemail, unknown, no-answer).
            "answered_by_enabled": True,
        }
        if settings.get("pathway_id"):
            body["pathway_id"] = settings["pathway_id"]
        else:
            body["task"] = settings.get("task", "")
        if settings.get("from_number"):
            body["from"] = settings["from_number"]

        response = http.send("POST", f"{self.base_url()}/v1/calls", headers=self.headers(agent), json_body=body)
        answer = http.response_json(response)
        if response.status_code != 200 or answer.get("status") == "error":
            raise http.classify_failure(self.label, response, NUMBER_WORDS)
        call_id = answer.get("call_id")
        if not call_id:
            raise ProviderError("Bland accepted the call but returned no call_id.", permanent=False)
        return StartedCall(str(call_id), {"status": answer.get("status", "")})

    def callback_reference(self, body: bytes) -> CallbackReference:
        call = http.load_json_body(body)
        return CallbackReference(http.attempt_id_from(call.get("metadata")), str(call.get("call_id") or call.get("c_id") or ""))

    def verify_callback(self, agent, request) -> None:
        if not agent.provider_webhook_secret:
            raise InvalidSignature("The agent has no Bland webhook signing secret saved.")
        expected = http.hmac_sha256_hex(agent.provider_webhook_secret, request.body)
        http.require_equal(expected, request.headers.get("x-webhook-signature", ""))

    def parse_callback(self, request) -> list[CallEvent]:
        return [self.event_from(http.load_json_body(request.body))]

    def event_from(self, call: dict[str, Any]) -> CallEvent:
        final = is_final(call)
        reason = end_reason(call) if final else ""
        minutes = call.get("call_length")
        return CallEvent(
            provider_call_id=str(call.get("call_id") or call.get("c_id") or ""),
            attempt_id=http.attempt_id_from(call.get("metadata")),
            outcome=outcome_for(reason) if final else None,
            end_reason=reason,
            duration_seconds=minutes * 60 if isinstance(minutes, (int, float)) else None,
            transcript=str(call.get("concatenated_transcript") or ""),
            summary=str(call.get("summary") or ""),
            recording_url=str(call.get("recording_url") or ""),
            raw={key: call.get(key) for key in ("call_id", "queue_status", "answered_by", "call_ended_by", "error_message")},
        )

    def fetch_call(self, agent, provider_call_id: str) -> CallEvent | None:
        response = http.send("GET", f"{self.base_url()}/v1/calls/{quote(provider_call_id, safe='')}", headers=self.headers(agent))
        if response.status_code != 200:
            raise http.classify_failure(self.label, response, ())
        call = http.response_json(response)
        if not is_final(call):
            return None
        return self.event_from(call)
