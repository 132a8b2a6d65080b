"""The Connect form's reading of the Host URL (``integrations.hosts``)."""
import pytest

from integrations.hosts import InvalidHost, normalize_host


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
