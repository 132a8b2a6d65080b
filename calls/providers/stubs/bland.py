"""Local stub of Bland AI's API: POST /v1/calls, GET /v1/calls/{id} and signed post-call webhooks.

Run: python -m calls.providers.stubs.bland --port 8303 --callback-base http://127.0.0.1:8000
The post-call webhook goes to the ``webhook`` URL of the request when it is on loopback.
"""
from urllib.parse import urlsplit

from calls.outcomes_catalog import Outcome
from calls.providers.http import LOOPBACK_HOSTS, hmac_sha256_hex
from calls.providers.stubs.server import ProviderStub, StubCall, StubError, main

# Outcome → the call-details fields Bland reports for it.
FINAL_FIELDS = {
    Outcome.COMPLETED: {"queue_status": "complete", "answered_by": "human", "call_ended_by": "ASSISTANT", "error_message": None},
    Outcome.NO_ANSWER: {"queue_status": "complete", "answered_by": "no-answer", "call_ended_by": None, "error_message": None},
    Outcome.BUSY: {"queue_status": "call_error", "answered_by": None, "call_ended_by": None, "error_message": "Line busy"},
    Outcome.FAILED: {"queue_status": "call_error", "answered_by": None, "call_ended_by": None, "error_message": "Call failed to connect"},
    Outcome.VOICEMAIL: {"queue_status": "complete", "answered_by": "voicemail", "call_ended_by": "ASSISTANT", "error_message": None},
}
TRANSCRIPT = "assistant: Hello, thank you for your enquiry. \n user: Yes, I would like to know more."


class BlandStub(ProviderStub):
    name = "bland"
    create_path = "/v1/calls"
    get_path_pattern = r"/v1/calls/([A-Za-z0-9_-]+)"
    default_api_key = "test-bland-key"
    default_webhook_secret = "test-bland-secret"

    def authorized(self, headers) -> bool:
        return headers.get("authorization", "") == self.api_key

    def read_create(self, body) -> str:
        number = str(body.get("phone_number") or "")
        if not number:
            raise StubError(400, {"status": "error", "message": "Missing required parameter: phone_number."})
        if not body.get("pathway_id") and not body.get("task"):
            raise StubError(400, {"status": "error", "message": "Either task or pathway_id is required."})
        return number

    def invalid_number_error(self, phone):
        return StubError(400, {"status": "error", "message": f"Invalid phone_number {phone}."})

    def callback_url_for(self, body) -> str:
        webhook = str(body.get("webhook") or "")
        if webhook and (urlsplit(webhook).hostname or "") in LOOPBACK_HOSTS:
            return webhook
        return super().callback_url_for(body)

    def created_body(self, call):
        return 200, {"status": "success", "message": "Call successfully queued.", "call_id": call.call_id}

    def call_body(self, call: StubCall) -> dict:
        request = call.request
        body = {
            "call_id": call.call_id,
            "c_id": call.call_id,
            "to": call.phone,
            "from": request.get("from", "+15550000000"),
            "completed": False,
            "inbound": False,
            "queue_status": "started",
            "answered_by": None,
            "call_ended_by": None,
            "error_message": None,
            "call_length": None,
            "request_data": request.get("request_data") or {},
            "variables": dict(request.get("request_data") or {}),
            "metadata": request.get("metadata") or {},
            "concatenated_transcript": "",
            "summary": None,
            "recording_url": None,
        }
        if call.ended:
            body.update(FINAL_FIELDS[call.outcome])
            body["completed"] = True
            body["call_length"] = 0.7 if call.outcome == Outcome.COMPLETED else 0
            if call.outcome == Outcome.COMPLETED:
                body["concatenated_transcript"] = TRANSCRIPT
                body["summary"] = "The lead asked for details."
                body["recording_url"] = f"https://recordings.invalid/bland/{call.call_id}.mp3"
        return body

    def callback_bodies(self, call):
        return [self.call_body(call)]

    def signature_headers(self, body: bytes) -> dict[str, str]:
        return {"X-Webhook-Signature": hmac_sha256_hex(self.webhook_secret, body)}


if __name__ == "__main__":
    main(BlandStub)
