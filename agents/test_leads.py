"""The Webhook URL tab's "Send test lead": the sample lead through the webhook's own path."""
import json
import uuid

from django.urls import reverse
from django.utils import timezone

from agents.preview import sample_lead_fields
from agents.webhook_urls import _encode
from callkaro.redaction import redact_url
from webhooks.deliveries import DeliveryRecord
from webhooks.receive import Reply, receive_delivery


def sample_lead_body() -> bytes:
    """The built-in sample with a fresh ProspectID, so each test lead makes a new call."""
    fields = sample_lead_fields()
    fields["ProspectID"] = str(uuid.uuid4())
    fields["CreatedOn"] = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    return json.dumps(fields).encode()


def send_test_lead(agent, query: dict[str, str]) -> Reply:
    """Deliver the sample lead to ``agent`` with the builder's ``query``; it is logged like any delivery.

    The signed-in member's session replaces the API key as proof of access, so no key is
    needed or stored.
    """
    body = sample_lead_body()
    path = reverse("crm-webhook") + "?" + _encode({"agent_id": agent.public_id, "type": "leadsquared", **query})
    record = DeliveryRecord(
        method="POST", url=redact_url(path), content_type="application/json", received_at=timezone.now(),
        body=body, workspace=agent.workspace, agent=agent,
    )
    return receive_delivery(record, agent, "leadsquared", query, body, "application/json")
