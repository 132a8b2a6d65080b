"""Integrations → LeadSquared: connect, test, disconnect, calling settings."""
import pytest
from django.urls import reverse

from integrations.models import LeadSquaredConnection

CREDENTIALS = {"host": "https://api-in21.leadsquared.com", "access_key": "u$r-access-1234", "secret_key": "s3cret-value-9876"}


@pytest.fixture
def connection(workspace):
    return LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key="u$r-access-1234", secret_key="s3cret-value-9876",
    )


@pytest.mark.parametrize("who", ["owner_client", "teammate_client"])
def test_connect_saves_encrypted(who, request, workspace):
    client = request.getfixturevalue(who)

    response = client.post(reverse("integration-leadsquared-connect"), CREDENTIALS)

    assert response.status_code == 302
    connection = LeadSquaredConnection.objects.get(workspace=workspace)
    assert connection.host == "api-in21.leadsquared.com"
    assert connection.secret_key == "s3cret-value-9876"
    assert connection.status == "unchecked"


def test_connect_page_never_shows_keys(owner_client, connection):
    page = owner_client.get(reverse("integration-leadsquared")).content.decode()
    editing = owner_client.get(reverse("integration-leadsquared") + "?edit=1").content.decode()

    assert "Saved" in page
    assert "s3cret-value-9876" not in page + editing
    assert "u$r-access-1234" not in page + editing


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("http://api-in21.leadsquared.com", "does not use https"),
        ("https://evil.example.com", "is not a LeadSquared API host"),
        ("https://api-in21.leadsquared.com/v2/", "has more than a host"),
        ("https://api-in21.leadsquared.com:8443", "has more than a host"),
        ("https://127.0.0.1", "is not a LeadSquared API host"),
        ("", "Enter the Host URL"),
    ],
)
def test_connect_rejects_host(host, message, owner_client, workspace):
    response = owner_client.post(reverse("integration-leadsquared-connect"), {**CREDENTIALS, "host": host})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LeadSquaredConnection.objects.filter(workspace=workspace).exists()


def test_connect_new_requires_keys(owner_client, workspace):
    response = owner_client.post(reverse("integration-leadsquared-connect"), {"host": CREDENTIALS["host"]})

    assert response.status_code == 400
    assert not LeadSquaredConnection.objects.filter(workspace=workspace).exists()


def test_update_keeps_saved_keys(owner_client, connection):
    response = owner_client.post(
        reverse("integration-leadsquared-connect"), {"host": "api-in22.leadsquared.com", "access_key": "", "secret_key": ""},
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.host == "api-in22.leadsquared.com"
    assert connection.secret_key == "s3cret-value-9876"


def test_test_connection_records_check(teammate_client, connection):
    response = teammate_client.post(reverse("integration-leadsquared-test"), follow=True)

    assert response.status_code == 200
    connection.refresh_from_db()
    assert connection.last_checked_at is not None
    assert "Last check" in response.content.decode()


def test_test_connection_invalid_host_shows_error(owner_client, connection):
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(host="leadsquared.example.com")

    response = owner_client.post(reverse("integration-leadsquared-test"), follow=True)

    connection.refresh_from_db()
    assert connection.status == "invalid"
    assert "is not a LeadSquared API host" in connection.last_error
    assert "Connection test failed" in response.content.decode()


def test_test_without_connection(owner_client):
    response = owner_client.post(reverse("integration-leadsquared-test"), follow=True)

    assert "Connect LeadSquared first" in response.content.decode()


def test_disconnect_deletes(owner_client, connection, workspace):
    response = owner_client.post(reverse("integration-leadsquared-disconnect"))

    assert response.status_code == 302
    assert not LeadSquaredConnection.objects.filter(workspace=workspace).exists()


def test_outsider_cannot_touch_connection(outsider_client, connection):
    outsider_client.post(reverse("integration-leadsquared-disconnect"))
    page = outsider_client.get(reverse("integration-leadsquared")).content.decode()

    assert LeadSquaredConnection.objects.filter(pk=connection.pk).exists()
    assert "Test connection" not in page


def test_calling_settings_saved(owner_client, workspace):
    response = owner_client.post(reverse("calling-settings"), {"timezone": "Asia/Dubai", "default_region": "AE"})

    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.timezone == "Asia/Dubai"
    assert workspace.default_region == "AE"


def test_calling_settings_rejects_bad_timezone(owner_client, workspace):
    response = owner_client.post(reverse("calling-settings"), {"timezone": "Mars/Base", "default_region": "IN"})

    assert response.status_code == 400
    assert "Mars/Base" in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.timezone == "Asia/Kolkata"
