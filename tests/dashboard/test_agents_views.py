"""Agents: create, settings, pause/resume, Variable Source and the webhook URL builder."""
import pytest
from django.urls import reverse

from agents.models import Agent, VariableMapping
from calls.models import Call, Lead
from calls.providers import PROVIDERS
from webhooks.models import WebhookDelivery

AGENT_FORM = {"name": "Renewals", "provider": "simulator", "max_concurrent_calls": "3", "window_start": "", "window_end": ""}


def test_create_agent(teammate_client, workspace):
    response = teammate_client.post(reverse("agent-create"), AGENT_FORM)

    agent = Agent.objects.get(workspace=workspace, name="Renewals")
    assert response.status_code == 302
    assert response["Location"] == reverse("agent-variables", args=[agent.public_id])
    assert agent.max_concurrent_calls == 3


def test_create_agent_half_window_400(owner_client, workspace):
    response = owner_client.post(reverse("agent-create"), {**AGENT_FORM, "window_start": "09:00"})

    assert response.status_code == 400
    assert "Set both ends of the default calling window" in response.content.decode()
    assert not Agent.objects.filter(name="Renewals").exists()


def test_edit_agent_settings(owner_client, agent):
    data = {**AGENT_FORM, "name": "Sales agent 2", "window_start": "09:00", "window_end": "18:00"}

    response = owner_client.post(reverse("agent-settings", args=[agent.public_id]), data)

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.name == "Sales agent 2"
    assert f"{agent.window_start:%H:%M}-{agent.window_end:%H:%M}" == "09:00-18:00"


def test_pause_and_resume(teammate_client, agent):
    teammate_client.post(reverse("agent-pause", args=[agent.public_id]))
    agent.refresh_from_db()
    assert agent.paused is True

    teammate_client.post(reverse("agent-resume", args=[agent.public_id]))
    agent.refresh_from_db()
    assert agent.paused is False


def test_pause_ignores_foreign_next(owner_client, agent):
    response = owner_client.post(reverse("agent-pause", args=[agent.public_id]), {"next": "https://example.com/"})

    assert response["Location"] == reverse("agent-settings", args=[agent.public_id])


RETELL = {**AGENT_FORM, "provider": "retell", "provider-agent_id": "agent_42", "provider-from_number": "+14157774444",
          "provider-api_key": "key_live_secret"}


def test_provider_settings_saved(owner_client, agent):
    response = owner_client.post(reverse("agent-settings", args=[agent.public_id]), RETELL)

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.provider == "retell"
    assert agent.provider_settings == {"agent_id": "agent_42", "from_number": "+14157774444"}
    assert agent.provider_api_key == "key_live_secret"


def test_provider_key_write_only(owner_client, agent):
    owner_client.post(reverse("agent-settings", args=[agent.public_id]), RETELL)

    page = owner_client.get(reverse("agent-settings", args=[agent.public_id])).content.decode()

    assert "key_live_secret" not in page
    assert "A value is saved" in page
    assert 'value="agent_42"' in page


def test_provider_key_kept_when_empty(owner_client, agent):
    url = reverse("agent-settings", args=[agent.public_id])
    owner_client.post(url, RETELL)

    response = owner_client.post(url, {**RETELL, "provider-api_key": "", "provider-agent_id": "agent_43"})

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.provider_api_key == "key_live_secret"
    assert agent.provider_settings["agent_id"] == "agent_43"


def test_provider_settings_validated(owner_client, agent):
    data = {**RETELL, "provider-from_number": "12345", "provider-api_key": ""}

    response = owner_client.post(reverse("agent-settings", args=[agent.public_id]), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a valid E.164 number" in page
    assert page.count("Paste the API key from Retell") == 1
    agent.refresh_from_db()
    assert agent.provider == "simulator"
    assert agent.provider_settings == {}


def test_create_agent_with_provider(owner_client, workspace):
    response = owner_client.post(reverse("agent-create"), {**RETELL, "name": "Retell agent"})

    assert response.status_code == 302
    agent = Agent.objects.get(workspace=workspace, name="Retell agent")
    assert agent.provider_settings["from_number"] == "+14157774444"
    assert agent.provider_api_key == "key_live_secret"


def test_create_agent_invalid_provider_saves_nothing(owner_client, workspace):
    response = owner_client.post(reverse("agent-create"), {**RETELL, "name": "Retell agent", "provider-agent_id": ""})

    assert response.status_code == 400
    assert not Agent.objects.filter(workspace=workspace, name="Retell agent").exists()


def test_switch_to_simulator_clears_settings(owner_client, agent):
    url = reverse("agent-settings", args=[agent.public_id])
    owner_client.post(url, RETELL)

    owner_client.post(url, AGENT_FORM)

    agent.refresh_from_db()
    assert agent.provider == "simulator"
    assert agent.provider_settings == {}


@pytest.mark.parametrize("provider", [name for name in PROVIDERS if name != "simulator"])
def test_provider_settings_fragment(provider, owner_client, agent):
    url = reverse("agent-provider-settings", args=[agent.public_id]) + f"?provider={provider}"

    page = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'name="provider-api_key"' in page
    assert page.startswith('<div id="provider-settings">')


def test_simulator_fragment_needs_no_key(owner_client, agent):
    url = reverse("agent-provider-settings", args=[agent.public_id]) + "?provider=simulator"

    page = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "needs no key" in page
    assert 'name="provider-api_key"' not in page


def test_create_page_provider_fragment(owner_client):
    url = reverse("agent-create-provider-settings") + "?provider=retell"

    page = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'name="provider-agent_id"' in page


# Variable Source

def add_variable(client, agent, **fields):
    data = {"name": "budget", "source": "leadsquared", "field_choice": "", "custom_field": "mx_Budget",
            "format": "number_words", "default_value": "", **fields}
    return client.post(reverse("agent-variable-add", args=[agent.public_id]), data, headers={"HX-Request": "true"})


def test_add_variable_custom_field(teammate_client, agent):
    response = add_variable(teammate_client, agent)

    mapping = agent.mappings.get(name="budget")
    assert mapping.field == "mx_Budget"
    assert mapping.format == "number_words"
    page = response.content.decode()
    assert page.startswith('<div id="variables-panel">')
    assert "twenty-five lakh" in page


def test_add_variable_from_dropdown(owner_client, agent):
    add_variable(owner_client, agent, name="last_name", field_choice="LastName", custom_field="", format="text_upper")

    assert agent.mappings.get(name="last_name").field == "LastName"


def test_add_variable_needs_field(owner_client, agent):
    response = add_variable(owner_client, agent, custom_field="")

    assert "Choose a LeadSquared field" in response.content.decode()
    assert not agent.mappings.filter(name="budget").exists()


def test_add_variable_duplicate_name(owner_client, agent):
    response = add_variable(owner_client, agent, name="city")

    assert "already has a variable named" in response.content.decode()
    assert agent.mappings.filter(name="city").count() == 1


def test_add_variable_bad_custom_name(owner_client, agent):
    response = add_variable(owner_client, agent, custom_field="mx City!")

    assert "is not a LeadSquared schema name" in response.content.decode()


def test_preview_flags_unreadable_value(owner_client, agent):
    add_variable(owner_client, agent, name="city_date", custom_field="mx_City", format="date_spoken")

    page = owner_client.get(reverse("agent-variables", args=[agent.public_id])).content.decode()

    assert "Not formatted: &#x27;Pune&#x27; is not a date" in page
    assert "1 value could not be formatted" in page


def test_preview_uses_last_lead(owner_client, agent):
    Lead.objects.create(workspace=agent.workspace, agent=agent, external_id="x", fields={"FirstName": "Meera", "Phone": "9876543210"})

    page = owner_client.get(reverse("agent-variables", args=[agent.public_id])).content.decode()

    assert "Meera" in page
    assert "the last lead this agent received" in page
    assert "Lead has no mx_City" in page


def test_preview_uses_sample_without_leads(owner_client, agent):
    page = owner_client.get(reverse("agent-variables", args=[agent.public_id])).content.decode()

    assert "the built-in sample lead" in page
    assert "Asha" in page


def test_edit_variable_inline(owner_client, agent):
    mapping = agent.mappings.get(name="city")
    url = reverse("agent-variable-edit", args=[agent.public_id, mapping.pk])
    form_page = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'name="edit-%s-custom_field" value="mx_City"' % mapping.pk in form_page

    prefix = f"edit-{mapping.pk}-"
    data = {prefix + "name": "city", prefix + "source": "leadsquared", prefix + "field_choice": "__custom__",
            prefix + "custom_field": "mx_City", prefix + "format": "text_upper", prefix + "default_value": "your city"}
    response = owner_client.post(url, data, headers={"HX-Request": "true"})

    mapping.refresh_from_db()
    assert mapping.format == "text_upper"
    assert mapping.default_value == "your city"
    assert "PUNE" in response.content.decode()


def test_delete_variable(teammate_client, agent):
    mapping = agent.mappings.get(name="city")

    response = teammate_client.post(reverse("agent-variable-delete", args=[agent.public_id, mapping.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert not VariableMapping.objects.filter(pk=mapping.pk).exists()


def test_variable_of_other_agent_404(owner_client, agent, workspace):
    other = Agent.objects.create(workspace=workspace, name="Other")
    mapping = agent.mappings.first()

    response = owner_client.post(reverse("agent-variable-delete", args=[other.public_id, mapping.pk]))

    assert response.status_code == 404
    assert VariableMapping.objects.filter(pk=mapping.pk).exists()


# Webhook URL builder

def test_builder_url_with_placeholder(owner_client, agent):
    url = reverse("agent-webhook", args=[agent.public_id])

    page = owner_client.get(url, {"min_trigger_time": "09:00", "max_trigger_time": "18:00", "carry_over": "true",
                                  "num_of_retries": "3", "gap_between_retries": "2,4,6"}).content.decode()

    expected = (f"/call/crm-webhook?agent_id={agent.public_id}&amp;type=leadsquared&amp;x_api_key=YOUR_API_KEY"
                "&amp;min_trigger_time=09:00&amp;max_trigger_time=18:00&amp;carry_over=true&amp;num_of_retries=3"
                "&amp;gap_between_retries=2,4,6")
    assert expected in page
    assert "X-API-KEY: YOUR_API_KEY" in page
    assert "application/json" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"num_of_retries": "3", "gap_between_retries": "2,4"}, "lists 2 gaps but num_of_retries is 3"),
        ({"min_trigger_time": "9am", "max_trigger_time": "18:00"}, "min_trigger_time must be a 24-hour time"),
        ({"min_trigger_time": "09:00"}, "max_trigger_time is missing"),
        ({"timezone": "India"}, "timezone must be an IANA timezone name"),
        ({"num_of_retries": "11", "gap_between_retries": "1"}, "num_of_retries must be a whole number from 0 to 10"),
        ({"retry_on_set": "1"}, "Choose at least one outcome to retry"),
    ],
)
def test_builder_shows_endpoint_errors(params, message, owner_client, agent):
    response = owner_client.get(reverse("agent-webhook", args=[agent.public_id]), params, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert "x_api_key=YOUR_API_KEY" not in page


def test_builder_retry_on_subset(owner_client, agent):
    params = {"retry_on_set": "1", "retry_on": ["no_answer", "busy"], "num_of_retries": "1", "gap_between_retries": "2"}

    page = owner_client.get(reverse("agent-webhook", args=[agent.public_id]), params).content.decode()

    assert "retry_on=busy,no_answer" in page


def test_builder_key_shown_once(owner_client, agent, workspace):
    response = owner_client.post(reverse("agent-webhook-key", args=[agent.public_id]), {"num_of_retries": "0"})

    page = response.content.decode()
    raw = page.split("x_api_key=")[1].split("&")[0]
    assert raw.startswith("ck_")
    assert f"X-API-KEY: {raw}" in page
    assert workspace.api_keys.get().name == "Webhook for Sales agent"
    assert raw not in owner_client.get(reverse("agent-webhook", args=[agent.public_id])).content.decode()


def test_send_test_lead_creates_call(teammate_client, agent):
    response = teammate_client.post(
        reverse("agent-webhook-test-lead", args=[agent.public_id]), {"num_of_retries": "1", "gap_between_retries": "2"},
    )

    call = Call.objects.get(agent=agent)
    delivery = WebhookDelivery.objects.get(agent=agent)
    page = response.content.decode()
    assert call.phone == "+919000000001"
    assert call.variables["name"] == "Asha"
    assert call.call_policy.gaps_hours == (2.0,)
    assert delivery.first_call == call
    assert delivery.result == "scheduled"
    assert "x_api_key" not in delivery.url
    assert reverse("call-detail", args=[call.public_id]) in page
    assert reverse("delivery-detail", args=[delivery.pk]) in page


def test_send_test_lead_twice_makes_two_calls(owner_client, agent):
    url = reverse("agent-webhook-test-lead", args=[agent.public_id])

    owner_client.post(url)
    owner_client.post(url)

    assert Call.objects.filter(agent=agent).count() == 2


def test_send_test_lead_invalid_params(owner_client, agent):
    response = owner_client.post(reverse("agent-webhook-test-lead", args=[agent.public_id]), {"num_of_retries": "2"})

    assert "Fix the parameters first" in response.content.decode()
    assert not Call.objects.filter(agent=agent).exists()
