"""Collecting one webhook request into a WebhookDelivery row."""
from dataclasses import dataclass

from django.utils import timezone

from callkaro.nul import replace_nul
from callkaro.redaction import redact_url
from integrations.payloads import PayloadError, decode_text
from webhooks.models import WebhookDelivery

# Body bytes kept in the log; longer bodies are cut and flagged.
MAX_LOGGED_BODY = 64 * 1024


def readable_body(raw: bytes) -> str:
    """Decode the body for the log by its byte-order mark, else as UTF-8.

    NUL characters are dropped because PostgreSQL text columns cannot store them.
    """
    try:
        text = decode_text(raw, None)
    except PayloadError:
        text = raw.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


@dataclass
class DeliveryRecord:
    method: str
    url: str
    content_type: str
    received_at: object
    body: bytes = b""
    workspace: object = None
    agent: object = None
    leads_received: int = 0
    calls_created: int = 0
    first_call: object = None

    @classmethod
    def start(cls, request) -> "DeliveryRecord":
        return cls(
            method=request.method,
            url=redact_url(request.get_full_path()),
            content_type=request.META.get("CONTENT_TYPE", "")[:200],
            received_at=timezone.now(),
        )

    def save(self, status_code: int, result: str, reason: str, response: dict) -> WebhookDelivery:
        text = readable_body(self.body[:MAX_LOGGED_BODY])
        return WebhookDelivery.objects.create(
            workspace=self.workspace, agent=self.agent, received_at=self.received_at, method=self.method,
            url=self.url, content_type=replace_nul(self.content_type), body=redact_url(text),
            body_truncated=len(self.body) > MAX_LOGGED_BODY, status_code=status_code, result=result,
            reason=replace_nul(reason), response=replace_nul(response), leads_received=self.leads_received,
            calls_created=self.calls_created, first_call=self.first_call,
        )
