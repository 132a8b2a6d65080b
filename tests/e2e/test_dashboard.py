"""The LeadSquared setup done in a browser, from sign-in to a retried call."""
import re

import pytest
from playwright.sync_api import expect

from agents.models import VariableMapping
from calls.models import Call
from integrations.models import LeadSquaredConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in(context, owner):
    page = context.new_page()

    page.goto("/calls/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/calls/"))
    page.fill("#id_username", "owner")
    page.fill("#id_password", "password")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(r"/calls/$"))
    expect(page.locator("h1")).to_have_text("Call history")


def test_sign_in_wrong_password(context, owner):
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")

    expect(page.locator(".notice-error")).to_contain_text("correct username and password")


@pytest.fixture
def leadsquared_accepts_keys(monkeypatch):
    """Replace the check that calls LeadSquared's servers: the keys are reported valid."""
    from django.utils import timezone

    from integrations.leadsquared import connection as module

    def fake_test_connection(connection):
        connection.status = LeadSquaredConnection.Status.CONNECTED
        connection.last_error = ""
        connection.last_checked_at = timezone.now()
        connection.save()
        return connection

    monkeypatch.setattr(module, "test_connection", fake_test_connection)


def test_connect_leadsquared(page, workspace, leadsquared_accepts_keys):
    page.click("text=Integrations")
    page.click("a.button:has-text('Connect')")
    page.fill("#id_host", "https://api-in21.leadsquared.com")
    page.fill("#id_access_key", "u$r-access-1234")
    page.fill("#id_secret_key", "s3cret-value-9876")
    page.click("button:has-text('Connect')")

    expect(page.locator(".flash-success")).to_contain_text("LeadSquared credentials saved")
    expect(page.locator("#connection-status")).to_have_text("Not tested yet")
    assert "s3cret-value-9876" not in page.content()

    page.click("button:has-text('Test connection')")

    expect(page.locator("#connection-status")).to_have_text("Connected")
    expect(page.locator(".flash-success")).to_contain_text("Connection works")
    assert LeadSquaredConnection.objects.get(workspace=workspace).last_checked_at is not None


def test_connect_rejects_http_host(page, workspace):
    page.goto("/integrations/leadsquared/")
    page.fill("#id_host", "http://api-in21.leadsquared.com")
    page.fill("#id_access_key", "a")
    page.fill("#id_secret_key", "b")
    page.click("button:has-text('Connect')")

    expect(page.locator(".errorlist")).to_contain_text("LeadSquared is called over https:// only")


def test_add_variable_and_preview(page, agent):
    page.goto(f"/agents/{agent.public_id}/variables/")
    page.fill("#id_name", "budget")
    page.select_option("#id_field_choice", "__custom__")
    page.fill("#id_custom_field", "mx_Budget")
    page.select_option("#id_format", "number_words")
    page.click("button:has-text('Add Variable')")

    row = page.locator("tr[data-variable=budget]")
    expect(row).to_contain_text("twenty-five lakh")
    expect(page.locator("#preview-json")).to_contain_text('"budget": "twenty-five lakh"')
    assert VariableMapping.objects.get(agent=agent, name="budget").field == "mx_Budget"

    row.locator("button:has-text('Edit')").click()
    edit_format = page.locator(f"select[name$='-format']")
    edit_format.select_option("date_spoken")
    page.click("tr.editing button:has-text('Save')")

    expect(page.locator("tr[data-variable=budget]")).to_contain_text("Not formatted")
    expect(page.locator("#problem-count")).to_have_text("1 value could not be formatted")


def test_build_url_and_copy(page, agent):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/agents/{agent.public_id}/webhook/")
    page.fill("#min_trigger_time", "09:00")
    page.fill("#max_trigger_time", "18:00")
    page.fill("#num_of_retries", "3")
    page.fill("#gap_between_retries", "2,4")

    expect(page.locator("#builder-errors")).to_contain_text("lists 2 gaps but num_of_retries is 3")

    page.fill("#gap_between_retries", "2,4,6")
    url = page.locator("#url-with-key")
    expect(url).to_contain_text("gap_between_retries=2,4,6")
    page.click("button[data-copy='#url-with-key']")

    expect(page.locator("button[data-copy='#url-with-key']")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == url.inner_text().strip()
    assert f"agent_id={agent.public_id}&type=leadsquared&x_api_key=YOUR_API_KEY&min_trigger_time=09:00" in copied


def test_test_lead_completes_then_retry(page, agent, celery_worker):
    page.goto(f"/agents/{agent.public_id}/webhook/")
    page.fill("#num_of_retries", "1")
    page.fill("#gap_between_retries", "2")
    expect(page.locator("#url-with-key")).to_contain_text("num_of_retries=1")
    page.click("#send-test-lead")

    expect(page.locator("#test-lead-outcome")).to_contain_text("Call scheduled")
    page.click("#test-lead-call")

    # The call page polls while the call is active; the simulator ends it within seconds.
    expect(page.locator("#call-status")).to_have_text("Completed", timeout=30_000)
    expect(page.locator("#attempt-1")).to_contain_text("Agent: Hello Asha")

    page.click("#attempt-1 button.mark-failed")

    expect(page.locator(".flash-success")).to_contain_text("Attempt 1 marked as failed")
    expect(page.locator("#attempt-1")).to_contain_text("Failed")
    expect(page.locator("#attempt-2")).to_contain_text("Scheduled for")
    call = Call.objects.get(agent=agent)
    assert call.attempts.get(number=2).status == "pending"


def test_phone_menu_navigates(browser, live_server, owner):
    from tests.e2e.conftest import PHONE, TIMEOUT_MS, sign_in

    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page)

    expect(page.locator("nav.sidebar")).to_be_hidden()
    page.click(".nav-button")
    expect(page.locator("nav.sidebar")).to_be_visible()
    page.click("nav.sidebar >> text=Agents")

    expect(page).to_have_url(re.compile(r"/agents/$"))
    context.close()


def test_create_agent_with_provider_settings(page, workspace):
    page.goto("/agents/new/")
    page.fill("#id_name", "Retell agent")
    expect(page.locator("#provider-settings")).to_contain_text("needs no key")

    page.select_option("#id_provider", "retell")

    expect(page.locator("#id_provider-agent_id")).to_be_visible()
    page.fill("#id_provider-agent_id", "agent_42")
    page.fill("#id_provider-from_number", "+14157774444")
    page.fill("#id_provider-api_key", "key_live_secret")
    page.click("button:has-text('Create agent')")

    expect(page.locator("h1")).to_contain_text("Retell agent")
    agent = workspace.agents.get(name="Retell agent")
    assert agent.provider_settings == {"agent_id": "agent_42", "from_number": "+14157774444"}
    page.click("nav.tabs >> text=Settings")
    expect(page.locator("#id_provider-api_key")).to_have_value("")
    assert "key_live_secret" not in page.content()
