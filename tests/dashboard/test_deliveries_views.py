"""The webhook delivery log."""
import json

from django.urls import reverse

from webhooks.models import WebhookDelivery
from tests.factories import AgentFactory


def test_delivery_list_shows_reason(teammate_client, delivery):
    page = teammate_client.get(reverse("deliveries")).content.decode()

    assert "no_valid_phone: no valid phone number for region IN" in page
    assert reverse("delivery-detail", args=[delivery.pk]) in page


def test_delivery_list_filters(owner_client, delivery, workspace):
    other = AgentFactory(workspace=workspace, name="Other agent")
    WebhookDelivery.objects.create(
        workspace=workspace, agent=other, method="POST", url="/call/crm-webhook", status_code=400,
        result=WebhookDelivery.Result.INVALID, reason="gap_between_retries lists 2 gaps",
    )

    by_agent = owner_client.get(reverse("deliveries"), {"agent": other.public_id}).content.decode()
    by_result = owner_client.get(reverse("deliveries"), {"result": "rejected"}).content.decode()

    assert "gap_between_retries lists 2 gaps" in by_agent
    assert "no_valid_phone" not in by_agent
    assert "no_valid_phone" in by_result
    assert "gap_between_retries lists 2 gaps" not in by_result


def test_delivery_detail_shows_body(owner_client, delivery):
    page = owner_client.get(reverse("delivery-detail", args=[delivery.pk])).content.decode()

    assert "FirstName=Asha" in page
    assert "x_api_key=[redacted]" in page
    assert "LeadSquared should send application/json" in page


def test_delivery_detail_pretty_json(owner_client, agent):
    delivery = WebhookDelivery.objects.create(
        workspace=agent.workspace, agent=agent, method="POST", url="/call/crm-webhook", content_type="application/json",
        body=json.dumps({"FirstName": "Asha"}), status_code=200, result=WebhookDelivery.Result.DUPLICATE,
    )

    page = owner_client.get(reverse("delivery-detail", args=[delivery.pk])).content.decode()

    assert "{\n  &quot;FirstName&quot;: &quot;Asha&quot;\n}" in page


def test_delivery_list_empty_state(owner_client, workspace):
    assert "No deliveries yet" in owner_client.get(reverse("deliveries")).content.decode()
