"""Fixtures for the provider suites: agents set up for each provider, and its local stub."""
import time

import pytest
from django.db import transaction

from calls.intake import accept_lead
from calls.models import CallAttempt
from calls.policy import CallPolicy
from calls.providers.stubs.bland import BlandStub
from calls.providers.stubs.retell import RetellStub
from calls.providers.stubs.vapi import VapiStub
from tests.factories import agent_with_mappings

STUBS = {"retell": RetellStub, "vapi": VapiStub, "bland": BlandStub}
PROVIDER_NAMES = list(STUBS)

AGENT_SETTINGS = {
    "retell": ({"agent_id": "agent_stub_1", "from_number": "+14157774444"}, "key_test_retell", ""),
    "vapi": (
        {"assistant_id": "asst_stub_1", "phone_number_id": "pn_stub_1", "webhook_auth": "hmac"},
        "test-vapi-key", "test-vapi-secret",
    ),
    "bland": ({"pathway_id": "pathway_stub_1", "task": "", "from_number": ""}, "test-bland-key", "test-bland-secret"),
}
LEAD_FIELDS = {
    "FirstName": "Asha", "EmailAddress": "asha@example.com", "Company": "Acme",
    "mx_City": "Pune", "mx_Product_Interest": "2BHK flat",
}
# Seconds a test waits for the worker and the stub before it fails.
WAIT_SECONDS = 45  # an upper bound for slow, shared CI machines; passing runs take a few seconds


def provider_agent(workspace, name: str):
    provider_settings, api_key, secret = AGENT_SETTINGS[name]
    return agent_with_mappings(
        workspace=workspace, name=f"{name} agent", provider=name, provider_settings=dict(provider_settings),
        provider_api_key=api_key, provider_webhook_secret=secret,
    )


def start_lead(agent, phone: str, retries: int = 1):
    """Accept a lead due now with ``retries`` retries 2 hours apart; return its first attempt."""
    policy = CallPolicy(timezone="Asia/Kolkata", gaps_hours=(2.0,) * retries)
    with transaction.atomic():
        result = accept_lead(agent, dict(LEAD_FIELDS, Phone=phone), policy, crm="leadsquared", crm_lead_id=f"lead-{phone}")
    assert result.status == "scheduled", result.reason
    return result.first_attempt


def wait_for(predicate, seconds: float = WAIT_SECONDS, every: float = 0.1, tick=None):
    """Poll ``predicate`` until it returns a truthy value; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if tick is not None:
            tick()
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"condition not met within {seconds} s")


def attempt_row(attempt_id: int) -> CallAttempt:
    return CallAttempt.objects.select_related("call").get(pk=attempt_id)


def ended(attempt_id: int):
    attempt = attempt_row(attempt_id)
    return attempt if attempt.status == CallAttempt.Status.ENDED else None


@pytest.fixture(params=PROVIDER_NAMES)
def provider_name(request):
    return request.param


@pytest.fixture
def stub(provider_name, live_server, settings):
    """The provider's stub on a free port, calling back to the live server."""
    server = STUBS[provider_name](callback_base=live_server.url, callback_delay=0.2).start()
    settings.PROVIDER_STUB_BASE_URLS = {provider_name: server.url}
    settings.PUBLIC_BASE_URL = live_server.url
    yield server
    server.stop()


@pytest.fixture
def provider_agent_row(workspace, provider_name):
    return provider_agent(workspace, provider_name)
