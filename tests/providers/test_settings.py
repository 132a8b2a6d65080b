"""Provider settings: validation, the write-only settings form, and the fixed API hosts."""
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection

from agents.models import Agent
from calls.providers import get_provider
from calls.providers.http import api_base_url
from tests.factories import agent_with_mappings
from tests.providers.conftest import AGENT_SETTINGS, PROVIDER_NAMES, provider_agent

# (provider, settings change, api key, webhook secret, field expected in the errors)
INVALID_SETTINGS = [
    ("retell", {}, "", None, "api_key"),
    ("retell", {"agent_id": ""}, None, None, "agent_id"),
    ("retell", {"from_number": "4157774444"}, None, None, "from_number"),
    ("retell", {"from_number": ""}, None, None, "from_number"),
    ("vapi", {}, "", None, "api_key"),
    ("vapi", {"assistant_id": ""}, None, None, "assistant_id"),
    ("vapi", {"phone_number_id": ""}, None, None, "phone_number_id"),
    ("vapi", {"webhook_auth": "basic"}, None, None, "webhook_auth"),
    ("vapi", {}, None, "", "webhook_secret"),
    ("bland", {}, "", None, "api_key"),
    ("bland", {"pathway_id": ""}, None, None, "pathway_id"),
    ("bland", {"task": "Call {{name}} about the flat."}, None, None, "pathway_id"),
    ("bland", {"from_number": "12345"}, None, None, "from_number"),
    ("bland", {}, None, "", "webhook_secret"),
]


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_valid_settings(provider_name):
    settings, api_key, secret = AGENT_SETTINGS[provider_name]

    assert get_provider(provider_name).validate_settings(settings, api_key, secret) == {}


@pytest.mark.parametrize("provider_name, change, api_key, secret, field", INVALID_SETTINGS)
def test_invalid_settings(provider_name, change, api_key, secret, field):
    settings, good_key, good_secret = AGENT_SETTINGS[provider_name]

    errors = get_provider(provider_name).validate_settings(
        dict(settings, **change), good_key if api_key is None else api_key, good_secret if secret is None else secret,
    )

    assert field in errors
    assert errors[field]


def test_bland_task_instead_of_pathway():
    settings, api_key, secret = AGENT_SETTINGS["bland"]

    errors = get_provider("bland").validate_settings(dict(settings, pathway_id="", task="Call {{name}}."), api_key, secret)

    assert errors == {}


def test_agent_clean_checks_provider(workspace):
    agent = Agent(workspace=workspace, name="No settings", provider="retell")

    with pytest.raises(ValidationError) as caught:
        agent.full_clean()

    assert any("agent_id" in message for message in caught.value.messages)


def test_agent_clean_simulator(workspace):
    Agent(workspace=workspace, name="Simulated", provider="simulator").full_clean()


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_form_never_renders_secrets(workspace, provider_name):
    agent = provider_agent(workspace, provider_name)
    _, api_key, secret = AGENT_SETTINGS[provider_name]

    html = str(get_provider(provider_name).settings_form(agent=agent))

    assert api_key not in html
    if secret:
        assert secret not in html
    assert "never shown again" in html


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_form_keeps_saved_key(workspace, provider_name):
    agent = provider_agent(workspace, provider_name)
    settings, api_key, secret = AGENT_SETTINGS[provider_name]
    form_class = get_provider(provider_name).settings_form

    form = form_class(dict(settings, api_key="", webhook_secret=""), agent=agent)

    assert form.is_valid(), form.errors
    form.save()
    agent.refresh_from_db()
    assert agent.provider_api_key == api_key
    assert agent.provider_webhook_secret == secret


def test_form_switches_provider(workspace):
    agent = agent_with_mappings(workspace=workspace, name="Was simulated", provider="simulator")
    form_class = get_provider("vapi").settings_form
    data = {"assistant_id": "asst_9", "phone_number_id": "pn_9", "webhook_auth": "hmac",
            "api_key": "vapi-live-key", "webhook_secret": "vapi-hmac-secret"}

    form = form_class(data, agent=agent)

    assert form.is_valid(), form.errors
    form.save()
    agent.refresh_from_db()
    assert agent.provider == "vapi"
    assert agent.provider_settings == {"assistant_id": "asst_9", "phone_number_id": "pn_9", "webhook_auth": "hmac"}
    assert agent.provider_api_key == "vapi-live-key"
    assert agent.provider_webhook_secret == "vapi-hmac-secret"
    with connection.cursor() as cursor:
        cursor.execute("SELECT provider_api_key, provider_webhook_secret FROM agents_agent WHERE id = %s", [agent.pk])
        stored_key, stored_secret = cursor.fetchone()
    assert "vapi-live-key" not in stored_key
    assert "vapi-hmac-secret" not in stored_secret


def test_form_requires_key_for_new_provider(workspace):
    agent = agent_with_mappings(workspace=workspace, name="Was simulated", provider="simulator")
    form = get_provider("retell").settings_form({"agent_id": "agent_1", "from_number": "+14157774444"}, agent=agent)

    assert not form.is_valid()
    assert "api_key" in form.errors


def test_api_url_default(settings):
    settings.PROVIDER_STUB_BASE_URLS = {}

    assert api_base_url("retell", "https://api.retellai.com") == "https://api.retellai.com"


def test_api_url_stub(settings):
    settings.PROVIDER_STUB_BASE_URLS = {"retell": "http://127.0.0.1:8301/"}

    assert api_base_url("retell", "https://api.retellai.com") == "http://127.0.0.1:8301"


@pytest.mark.parametrize("url", ["http://10.0.0.5:8301", "https://example.com", "http://169.254.169.254"])
def test_api_url_rejects_other_hosts(settings, url):
    settings.PROVIDER_STUB_BASE_URLS = {"retell": url}

    with pytest.raises(ImproperlyConfigured) as caught:
        api_base_url("retell", "https://api.retellai.com")

    assert url in str(caught.value)
