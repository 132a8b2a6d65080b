"""Local stub of Retell AI's API: create-phone-call, get-call and signed webhooks.

Run: python -m calls.providers.stubs.retell --port 8301 --callback-base http://127.0.0.1:8000
"""
import time

from calls.outcomes_catalog import Outcome
from calls.providers.http import hmac_sha256_hex
from calls.providers.stubs.server import ProviderStub, StubCall, StubError, main

DISCONNECTION_REASONS = {
    Outcome.COMPLETED: "user_hangup",
    Outcome.NO_ANSWER: "dial_no_answer",
    Outcome.BUSY: "dial_busy",
    Outcome.FAILED: "dial_failed",
    Outcome.VOICEMAIL: "voicemail_reached",
}
TRANSCRIPT = "Agent: Hello, thank you for your enquiry.\nUser: Yes, I would like to know more.\n"


class RetellStub(ProviderStub):
    name = "retell"
    create_path = "/v2/create-phone-call"
    get_path_pattern = r"/v2/get-call/([A-Za-z0-9_-]+)"
    default_api_key = "key_test_retell"

    def authorized(self, headers) -> bool:
        return headers.get("Authorization", "") == f"Bearer {self.api_key}"

    def read_create(self, body) -> str:
        for name in ("from_number", "to_number"):
            if not str(body.get(name) or "").startswith("+"):
                raise StubError(400, {"status": "error", "message": f"{name} must be a phone number in E.164 format."})
        variables = body.get("retell_llm_dynamic_variables") or {}
        if not all(isinstance(value, str) for value in variables.values()):
            raise StubError(400, {"status": "error", "message": "retell_llm_dynamic_variables values must be strings."})
        return body["to_number"]

    def invalid_number_error(self, phone):
        return StubError(400, {"status": "error", "message": f"Invalid to_number {phone}: not a dialable destination."})

    def created_body(self, call):
        return 201, self.call_body(call)

    def call_body(self, call: StubCall) -> dict:
        request = call.request
        body = {
            "call_type": "phone_call",
            "call_id": call.call_id,
            "agent_id": request.get("override_agent_id", ""),
            "from_number": request.get("from_number", ""),
            "to_number": call.phone,
            "direction": "outbound",
            "call_status": "registered",
            "metadata": request.get("metadata") or {},
            "retell_llm_dynamic_variables": request.get("retell_llm_dynamic_variables") or {},
            "start_timestamp": int(call.created_at * 1000),
        }
        if call.ended:
            connected = call.outcome in (Outcome.COMPLETED, Outcome.VOICEMAIL)
            body.update({
                "call_status": "ended" if connected else "not_connected",
                "disconnection_reason": DISCONNECTION_REASONS[call.outcome],
                "end_timestamp": int(time.time() * 1000),
                "duration_ms": 42000 if call.outcome == Outcome.COMPLETED else 0,
            })
            if call.outcome == Outcome.COMPLETED:
                body["transcript"] = TRANSCRIPT
                body["recording_url"] = f"https://recordings.invalid/retell/{call.call_id}.wav"
        return body

    def callback_bodies(self, call):
        ended = self.call_body(call)
        analyzed = dict(ended, call_analysis={"call_summary": "The lead asked for details.", "call_successful": True})
        return [{"event": "call_ended", "call": ended}, {"event": "call_analyzed", "call": analyzed}]

    def signature_headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time() * 1000))
        return {"x-retell-signature": f"v={timestamp},d={hmac_sha256_hex(self.api_key, body + timestamp.encode())}"}


if __name__ == "__main__":
    main(RetellStub)
