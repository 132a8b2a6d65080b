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
        ("http://api-in21.leadsquared.com", "LeadSquared is called over https:// only"),
        ("https://evil.example.com", "only hosts under leadsquared.com can be called"),
        ("https://api-in21.leadsquared.com/v2/leads", "it has the path /v2/leads"),
        ("https://api-in21.leadsquared.com:8443", "remove the :port"),
        ("https://127.0.0.1", "it is an IP address"),
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


@pytest.fixture
def checks(monkeypatch):
    """Replace the LeadSquared check, which calls LeadSquared's servers, with a recorded outcome."""
    from django.utils import timezone

    from integrations.leadsquared import connection as module

    calls = []
    outcome = {"status": LeadSquaredConnection.Status.CONNECTED, "last_error": ""}

    def fake_test_connection(connection):
        calls.append(connection.pk)
        connection.status = outcome["status"]
        connection.last_error = outcome["last_error"]
        connection.last_checked_at = timezone.now()
        connection.save()
        return connection

    monkeypatch.setattr(module, "test_connection", fake_test_connection)
    return calls, outcome


def test_test_connection_connected(teammate_client, connection, checks):
    calls, _ = checks

    response = teammate_client.post(reverse("integration-leadsquared-test"), follow=True)

    page = response.content.decode()
    assert calls == [connection.pk]
    assert "Connection works" in page
    assert ">Connected<" in page
    assert "Last check" in page


def test_test_connection_failure_shown(owner_client, connection, checks):
    _, outcome = checks
    outcome.update(status=LeadSquaredConnection.Status.INVALID, last_error="LeadSquared rejected the Access Key (401).")

    response = owner_client.post(reverse("integration-leadsquared-test"), follow=True)

    page = response.content.decode()
    assert "Connection test failed: LeadSquared rejected the Access Key (401)." in page
    assert 'id="connection-error"' in page
    assert ">Invalid credentials<" in page


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
