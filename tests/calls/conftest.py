"""Fixtures for the calls suites: a recording provider and ready-made calls."""
from datetime import timedelta

import pytest
from django.utils import timezone

from calls import providers
from calls.models import Call, CallAttempt, Lead
from calls.policy import CallPolicy
from calls.providers.base import Provider, StartedCall


class RecordingProvider(Provider):
    """A provider that places nothing and records every start_call; tests set ``error``."""

    name = "recording"
    label = "Recording (tests)"
    callback_timeout = 60.0

    def __init__(self):
        self.started = []
        self.error = None

    def start_call(self, agent, request):
        if self.error is not None:
            raise self.error
        self.started.append(request)
        return StartedCall(f"rec-{request.attempt_id}-{len(self.started)}")

    def fetch_call(self, agent, provider_call_id):
        return None


@pytest.fixture
def recording_provider(monkeypatch):
    provider = RecordingProvider()
    monkeypatch.setitem(providers.PROVIDERS, "recording", "tests.calls.conftest.RecordingProvider")
    monkeypatch.setitem(providers._instances, "recording", provider)
    return provider


@pytest.fixture
def recording_agent(agent, recording_provider):
    agent.provider = "recording"
    agent.save()
    return agent


def make_call(agent, *, phone="+919000000001", policy=None, status=CallAttempt.Status.QUEUED, scheduled_for=None, number=1):
    policy = policy or CallPolicy()
    lead = Lead.objects.create(workspace=agent.workspace, agent=agent, external_id=f"lead-{Lead.objects.count() + 1}")
    call = Call.objects.create(
        workspace=agent.workspace, agent=agent, lead=lead, phone=phone, variables={"name": "Asha"}, policy=policy.to_json(),
    )
    attempt = CallAttempt.objects.create(
        call=call, number=number, status=status, scheduled_for=scheduled_for or timezone.now(),
        queued_at=timezone.now() if status == CallAttempt.Status.QUEUED else None,
    )
    return call, attempt


def minutes_ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)
