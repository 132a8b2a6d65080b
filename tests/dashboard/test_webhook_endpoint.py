"""The webhook endpoint after its processing moved to webhooks/receive.py."""
import json

from django.test import Client
from django.urls import reverse

from calls.models import Call
from tests.conftest import fixture_bytes
from webhooks.models import WebhookDelivery


def post(agent, key, body, content_type="application/json", **params):
    query = {"agent_id": agent.public_id, "type": "leadsquared", "x_api_key": key, **params}
    url = reverse("crm-webhook") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return Client().post(url, body, content_type=content_type)


def test_endpoint_schedules_call(agent, api_key):
    response = post(agent, api_key, fixture_bytes("lead-created.json"))

    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    delivery = WebhookDelivery.objects.get()
    assert delivery.first_call == Call.objects.get()
    assert api_key not in delivery.url


def test_endpoint_invalid_parameters_400(agent, api_key):
    response = post(agent, api_key, fixture_bytes("lead-created.json"), num_of_retries="2", gap_between_retries="1")

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "gap_between_retries"
    assert WebhookDelivery.objects.get().result == "invalid"


def test_endpoint_unreadable_body_200(agent, api_key):
    response = post(agent, api_key, b"not json", content_type="application/json")

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"


def test_endpoint_duplicate_lead(agent, api_key):
    body = fixture_bytes("lead-created.json")
    post(agent, api_key, body)

    response = post(agent, api_key, body)

    assert response.json()["status"] == "duplicate"
    assert Call.objects.count() == 1


def test_endpoint_wrong_key_401(agent):
    response = post(agent, "ck_wrong", json.dumps({"Phone": "9876543210"}))

    assert response.status_code == 401
    assert WebhookDelivery.objects.get().result == "unauthorized"
