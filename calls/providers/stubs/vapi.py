"""Local stub of Vapi's API: POST /call, GET /call/{id} and signed server messages.

Run: python -m calls.providers.stubs.vapi --port 8302 --callback-base http://127.0.0.1:8000
"""
import time
from datetime import datetime, timezone

from calls.outcomes_catalog import Outcome
from calls.providers.http import hmac_sha256_hex
from calls.providers.stubs.server import ProviderStub, StubCall, StubError, main

ENDED_REASONS = {
    Outcome.COMPLETED: "customer-ended-call",
    Outcome.NO_ANSWER: "customer-did-not-answer",
    Outcome.BUSY: "customer-busy",
    Outcome.FAILED: "twilio-failed-to-connect-call",
    Outcome.VOICEMAIL: "voicemail",
}
TRANSCRIPT = "AI: Hello, thank you for your enquiry.\nUser: Yes, I would like to know more.\n"


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat().replace("+00:00", "Z")


class VapiStub(ProviderStub):
    name = "vapi"
    create_path = "/call"
    get_path_pattern = r"/call/([A-Za-z0-9_-]+)"
    default_api_key = "test-vapi-key"
    default_webhook_secret = "test-vapi-secret"

    def authorized(self, headers) -> bool:
        return headers.get("Authorization", "") == f"Bearer {self.api_key}"

    def read_create(self, body) -> str:
        for name in ("assistantId", "phoneNumberId"):
            if not body.get(name):
                raise StubError(400, {"message": [f"{name} must be a string"], "error": "Bad Request", "statusCode": 400})
        number = str((body.get("customer") or {}).get("number") or "")
        if not number.startswith("+"):
            raise StubError(400, {"message": ["customer.number must be a valid phone number in the E.164 format."],
                                  "error": "Bad Request", "statusCode": 400})
        return number

    def invalid_number_error(self, phone):
        return StubError(400, {"message": [f"customer.number {phone} is not a valid phone number."],
                               "error": "Bad Request", "statusCode": 400})

    def rate_limit_error(self):
        return StubError(429, {"message": "Over Concurrency Limit.", "error": "Too Many Requests", "statusCode": 429})

    def created_body(self, call):
        return 201, self.call_body(call)

    def call_body(self, call: StubCall) -> dict:
        request = call.request
        body = {
            "id": call.call_id,
            "orgId": "org_stub",
            "type": "outboundPhoneCall",
            "status": "queued",
            "assistantId": request.get("assistantId"),
            "phoneNumberId": request.get("phoneNumberId"),
            "customer": request.get("customer") or {},
            "assistantOverrides": request.get("assistantOverrides") or {},
            "createdAt": iso(call.created_at),
            "updatedAt": iso(time.time()),
        }
        if call.ended:
            body.update({"status": "ended", "endedReason": ENDED_REASONS[call.outcome], "endedAt": iso(time.time())})
            if call.outcome == Outcome.COMPLETED:
                body["artifact"] = {"transcript": TRANSCRIPT, "recordingUrl": f"https://recordings.invalid/vapi/{call.call_id}.wav"}
                body["analysis"] = {"summary": "The lead asked for details."}
        return body

    def callback_bodies(self, call):
        body = self.call_body(call)
        report = {
            "type": "end-of-call-report",
            "endedReason": body["endedReason"],
            "call": body,
            "durationSeconds": 42.0 if call.outcome == Outcome.COMPLETED else 0.0,
        }
        if call.outcome == Outcome.COMPLETED:
            report["artifact"] = body["artifact"]
            report["analysis"] = body["analysis"]
        return [{"message": {"type": "status-update", "status": "in-progress", "call": dict(body, status="in-progress")}},
                {"message": report}]

    def signature_headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time() * 1000))
        return {"x-timestamp": timestamp, "x-signature": hmac_sha256_hex(self.webhook_secret, timestamp.encode() + b"." + body)}


if __name__ == "__main__":
    main(VapiStub)
