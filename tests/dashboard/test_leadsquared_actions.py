"""Integrations page actions that call LeadSquared: fields, activity type, regional host.

The connection talks to the local LeadSquared stub over real HTTP.
"""
import pytest
from django.urls import reverse

from integrations.leadsquared import ratelimit
from integrations.leadsquared.stub import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LeadSquaredStub
from integrations.models import LeadSquaredConnection

MEMBERS = ["owner_client", "teammate_client"]


@pytest.fixture
def stub(settings):
    settings.LEADSQUARED_RATE_LIMIT = 1000
    settings.LEADSQUARED_RATE_WINDOW = 1.0
    with LeadSquaredStub() as server:
        settings.LEADSQUARED_STUB_BASE_URL = server.url
        yield server


@pytest.fixture
def connection(workspace, stub):
    ratelimit.reset(workspace.pk)
    return LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key=DEMO_ACCESS_KEY,
        secret_key=DEMO_SECRET_KEY, status=LeadSquaredConnection.Status.CONNECTED,
    )


def page_of(client) -> str:
    return client.get(reverse("integration-leadsquared")).content.decode()


@pytest.mark.parametrize("who", MEMBERS)
def test_refresh_fields_fills_dropdown(who, request, connection):
    client = request.getfixturevalue(who)

    response = client.post(reverse("integration-leadsquared-fields"), follow=True)

    connection.refresh_from_db()
    schema_names = [field["schema_name"] for field in connection.fields_cache]
    assert response.status_code == 200
    assert "mx_Budget" in schema_names
    assert connection.fields_fetched_at is not None
    assert "Fetched" in response.content.decode()


def test_refresh_fields_failure_keeps_cache(owner_client, connection, stub):
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(fields_cache=[{"schema_name": "Kept", "display_name": "Kept", "data_type": "Text"}])
    stub.answer_with(401, times=5)

    response = owner_client.post(reverse("integration-leadsquared-fields"), follow=True)

    connection.refresh_from_db()
    assert "Could not fetch the lead fields" in response.content.decode()
    assert connection.fields_cache[0]["schema_name"] == "Kept"


def test_set_existing_activity_code(owner_client, connection):
    owner_client.post(reverse("integration-leadsquared-activity-type"), {"action": "set", "activity_event_code": "205"})

    connection.refresh_from_db()
    assert connection.activity_event_code == 205


def test_invalid_activity_code_is_explained(owner_client, connection):
    response = owner_client.post(
        reverse("integration-leadsquared-activity-type"), {"action": "set", "activity_event_code": "abc"}, follow=True,
    )

    connection.refresh_from_db()
    assert connection.activity_event_code is None
    assert "is not an activity event code" in response.content.decode()


def test_create_activity_type_at_leadsquared(owner_client, connection, stub):
    owner_client.post(reverse("integration-leadsquared-activity-type"), {"action": "create", "name": "AI phone call"})

    connection.refresh_from_db()
    assert connection.activity_event_code is not None
    assert len(stub.requests_to("ProspectActivity.svc/CreateType")) == 1


def test_use_suggested_host(owner_client, connection):
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(suggested_host="api-us11.leadsquared.com")

    owner_client.post(reverse("integration-leadsquared-use-host"))

    connection.refresh_from_db()
    assert connection.host == "api-us11.leadsquared.com"
    assert connection.suggested_host == ""
    assert connection.status == LeadSquaredConnection.Status.UNCHECKED


def test_outsider_actions_leave_connection_alone(outsider_client, connection):
    outsider_client.post(reverse("integration-leadsquared-activity-type"), {"action": "set", "activity_event_code": "9"})
    outsider_client.post(reverse("integration-leadsquared-fields"))

    connection.refresh_from_db()
    assert connection.activity_event_code is None
    assert connection.fields_cache == []


def test_connected_page_offers_actions(owner_client, connection):
    page = page_of(owner_client)

    assert "Refresh fields" in page
    assert "Existing activity event code" in page
