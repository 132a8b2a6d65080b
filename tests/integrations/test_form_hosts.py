"""The Connect form's Host URL field, which applies the client's host rules."""
import pytest

from integrations.forms import LeadSquaredConnectForm


def host_errors(raw: str) -> list[str]:
    form = LeadSquaredConnectForm(data={"host": raw, "access_key": "u$access", "secret_key": "secret"})
    form.is_valid()
    return form.errors.get("host", [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://api-in21.leadsquared.com", "api-in21.leadsquared.com"),
        ("api-in21.leadsquared.com", "api-in21.leadsquared.com"),
        ("https://API.LeadSquared.com/", "api.leadsquared.com"),
        ("  https://api-us11.leadsquared.com  ", "api-us11.leadsquared.com"),
        # With the API version path, which the client adds itself.
        ("https://api.leadsquared.com/v2/", "api.leadsquared.com"),
    ],
)
def test_form_accepts_host(raw, expected):
    form = LeadSquaredConnectForm(data={"host": raw, "access_key": "u$access", "secret_key": "secret"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["host"] == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://api-in21.leadsquared.com",
        "https://api-in21.leadsquared.com.evil.com",
        "https://leadsquared.com.example.org",
        "https://user:pass@api.leadsquared.com",
        "https://api.leadsquared.com:444",
        "https://api.leadsquared.com/v3",
        "https://api.leadsquared.com?x=1",
        "https://169.254.169.254",
        "https://localhost",
        "ftp://api.leadsquared.com",
        "https://-bad-.leadsquared.com",
    ],
)
def test_form_rejects_host(raw):
    errors = host_errors(raw)

    assert len(errors) == 1
    assert repr(raw) in errors[0]
    assert "api-in21.leadsquared.com" in errors[0]


def test_form_requires_host():
    assert host_errors("") == ["Enter the Host URL, e.g. https://api-in21.leadsquared.com."]
