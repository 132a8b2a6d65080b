"""The webhook's per-process cache of API keys and agents: what it returns and when its entries are dropped."""
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey
from agents.models import Agent, VariableMapping
from calls.models import Call
from tests.conftest import load_fixture
from webhooks import lookups

URL = "/call/crm-webhook"


@pytest.fixture
def post(client, agent, api_key):
    """POST the sample lead, each time with a new ProspectID unless ``prospect_id`` is given."""
    def send(agent_id=None, prospect_id=None):
        body = load_fixture("lead-created.json")
        body["ProspectID"] = prospect_id or uuid.uuid4().hex
        query = f"type=leadsquared&agent_id={agent_id or agent.public_id}&x_api_key={api_key}"
        return client.generic("POST", f"{URL}?{query}", data=json.dumps(body), content_type="application/json")

    return send


@pytest.fixture
def clock(monkeypatch):
    """A monotonic clock the test moves by hand."""
    now = [1000.0]
    monkeypatch.setattr(lookups.time, "monotonic", lambda: now[0])
    return now


def revoke_elsewhere(workspace):
    """Revoke the key as another process would: this process gets no signal."""
    ApiKey.objects.filter(workspace=workspace).update(revoked_at=timezone.now())


def test_revoke_here_applies_at_once(post, workspace):
    assert post().status_code == 200

    ApiKey.objects.get(workspace=workspace).revoke()

    assert post().status_code == 401


def test_revoke_elsewhere_applies_after_ttl(post, workspace, clock, settings):
    settings.WEBHOOK_LOOKUP_CACHE_SECONDS = 5
    assert post().status_code == 200
    revoke_elsewhere(workspace)

    clock[0] += 4
    before_expiry = post()
    clock[0] += 2
    after_expiry = post()

    assert before_expiry.status_code == 200
    assert after_expiry.status_code == 401


def test_zero_seconds_turns_cache_off(post, workspace, settings):
    settings.WEBHOOK_LOOKUP_CACHE_SECONDS = 0
    assert post().status_code == 200

    revoke_elsewhere(workspace)

    assert post().status_code == 401


def test_mapping_change_applies_at_once(post, agent):
    post()
    mapping = VariableMapping.objects.get(agent=agent, name="name")
    mapping.field = "LastName"
    mapping.save()

    call = Call.objects.get(public_id=post().json()["call_id"])

    assert call.variables["name"] == "Verma"


def test_pause_applies_at_once(post, agent, client, owner):
    post()
    client.force_login(owner)

    client.post(reverse("agent-pause", args=[agent.public_id]))
    body = post().json()

    assert "paused" in body["note"]


def test_unknown_agent_is_not_remembered(post, agent):
    missing = "0" * 24
    assert post(agent_id=missing).status_code == 404

    Agent.objects.filter(pk=agent.pk).update(public_id=missing)

    assert post(agent_id=missing).status_code == 200
