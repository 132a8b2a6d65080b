"""Fixtures for the dashboard's view tests: signed-in clients and a call in each state."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from calls.models import Call, CallAttempt, Lead
from calls.outcomes_catalog import Outcome
from calls.policy import CallPolicy
from webhooks.models import WebhookDelivery


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return signed_in(owner)


@pytest.fixture
def teammate_client(teammate):
    return signed_in(teammate)


@pytest.fixture
def outsider_client(outsider):
    return signed_in(outsider)


@pytest.fixture
def members(owner_client, teammate_client):
    return {"owner": owner_client, "teammate": teammate_client}


def make_call(agent, *, status=Call.Status.SCHEDULED, outcome="", phone="+919876543210", name="Asha",
              external_id="lead-1", gaps=(2.0,)) -> Call:
    lead = Lead.objects.create(
        workspace=agent.workspace, agent=agent, external_id=external_id,
        fields={"FirstName": name, "Phone": phone, "mx_City": "Pune"},
    )
    policy = CallPolicy(timezone=agent.workspace.timezone, gaps_hours=tuple(gaps))
    return Call.objects.create(
        workspace=agent.workspace, agent=agent, lead=lead, phone=phone, variables={"name": name, "city": "Pune"},
        policy=policy.to_json(), status=status, outcome=outcome,
    )


@pytest.fixture
def pending_call(agent):
    call = make_call(agent)
    CallAttempt.objects.create(call=call, number=1, scheduled_for=timezone.now() + timedelta(hours=3))
    return call


@pytest.fixture
def ended_call(agent):
    """A completed call with one ended attempt and one retry still allowed by its policy."""
    call = make_call(agent, status=Call.Status.COMPLETED, outcome=Outcome.COMPLETED, external_id="lead-2", name="Ravi")
    started = timezone.now() - timedelta(minutes=5)
    CallAttempt.objects.create(
        call=call, number=1, status=CallAttempt.Status.ENDED, outcome=Outcome.COMPLETED, scheduled_for=started,
        started_at=started, ended_at=started + timedelta(seconds=42), duration_seconds=42.0, provider="simulator",
        transcript="Agent: Hello Ravi.", recording_url="https://recordings.example.com/1.mp3",
    )
    return call


@pytest.fixture
def delivery(agent):
    return WebhookDelivery.objects.create(
        workspace=agent.workspace, agent=agent, method="POST",
        url=f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key=[redacted]",
        content_type="application/x-www-form-urlencoded", body="FirstName=Asha", status_code=200,
        result=WebhookDelivery.Result.REJECTED, reason="no_valid_phone: no valid phone number for region IN",
    )
