"""The minimal connection check, which reads the host and contacts no server."""
import pytest

from integrations.hosts import InvalidHost, normalize_host
from integrations.leadsquared.connection import test_connection as check_connection
from integrations.models import LeadSquaredConnection


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://api-in21.leadsquared.com", "api-in21.leadsquared.com"),
        ("api-in21.leadsquared.com", "api-in21.leadsquared.com"),
        ("https://API.LeadSquared.com/", "api.leadsquared.com"),
        ("  https://api-us11.leadsquared.com  ", "api-us11.leadsquared.com"),
    ],
)
def test_normalize_host_accepts(raw, expected):
    assert normalize_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://api-in21.leadsquared.com",
        "https://api-in21.leadsquared.com.evil.com",
        "https://leadsquared.com.example.org",
        "https://user:pass@api.leadsquared.com",
        "https://api.leadsquared.com:444",
        "https://api.leadsquared.com/v2",
        "https://api.leadsquared.com?x=1",
        "https://169.254.169.254",
        "https://localhost",
        "ftp://api.leadsquared.com",
        "https://-bad-.leadsquared.com",
        "",
    ],
)
def test_normalize_host_rejects(raw):
    with pytest.raises(InvalidHost) as error:
        normalize_host(raw)
    assert "leadsquared.com" in str(error.value) or "Host URL" in str(error.value)


def test_check_valid_host_stays_unchecked(workspace):
    connection = LeadSquaredConnection.objects.create(workspace=workspace, host="api-in21.leadsquared.com", access_key="a", secret_key="b")

    check_connection(connection)

    connection.refresh_from_db()
    assert connection.status == "unchecked"
    assert connection.last_error == ""
    assert connection.last_checked_at is not None


def test_check_invalid_host_recorded(workspace):
    connection = LeadSquaredConnection.objects.create(workspace=workspace, host="leadsquared.example.com", access_key="a", secret_key="b")

    check_connection(connection)

    connection.refresh_from_db()
    assert connection.status == "invalid"
    assert "is not a LeadSquared API host" in connection.last_error
