"""The SSRF guard: which LeadSquared hosts the server may call.

Every rejection here happens before any connection: names are resolved by a test resolver,
never by DNS, and the only address a failing guard could reach is this machine's loopback.
"""
import pytest
from django.core.exceptions import ImproperlyConfigured

from integrations.leadsquared import hosts
from integrations.leadsquared.client import Credentials, LeadSquaredClient
from integrations.leadsquared.errors import HostNotAllowed, LeadSquaredError

ACCEPTED = [
    # (entered, normalized)
    ("api-in21.leadsquared.com", "api-in21.leadsquared.com"),
    ("https://api-in21.leadsquared.com", "api-in21.leadsquared.com"),
    ("https://api-in21.leadsquared.com/", "api-in21.leadsquared.com"),
    ("https://api-in21.leadsquared.com/v2/", "api-in21.leadsquared.com"),
    ("  API-US11.LeadSquared.com  ", "api-us11.leadsquared.com"),
    ("HTTPS://api.leadsquared.com", "api.leadsquared.com"),
    ("leadsquared.com", "leadsquared.com"),
]

REJECTED = [
    # (case, entered, words the message must contain)
    ("http scheme", "http://api-in21.leadsquared.com", "https"),
    ("ftp scheme", "ftp://api-in21.leadsquared.com", "https"),
    ("ipv4 literal", "127.0.0.1", "IP address"),
    ("ipv4 literal with scheme", "https://10.0.0.5/v2/", "IP address"),
    ("metadata address", "169.254.169.254", "IP address"),
    ("ipv6 literal", "[::1]", "IP address"),
    ("ipv6 literal bare", "::1", "IP address"),
    ("ipv6 literal with scheme", "https://[fe80::1]/", "IP address"),
    ("localhost", "localhost", "under leadsquared.com"),
    ("localhost with scheme", "https://localhost/", "under leadsquared.com"),
    ("suffix trick", "leadsquared.com.evil.example", "under leadsquared.com"),
    ("lookalike domain", "evilleadsquared.com", "under leadsquared.com"),
    ("lookalike prefix", "api-leadsquared.com", "under leadsquared.com"),
    ("other domain", "api.example.com", "under leadsquared.com"),
    ("decimal ip", "2130706433", "under leadsquared.com"),
    ("userinfo trick", "https://api-in21.leadsquared.com@evil.example/", "user name"),
    ("userinfo before host", "https://user:pass@api-in21.leadsquared.com/", "user name"),
    ("port", "api-in21.leadsquared.com:8443", "port"),
    ("https port", "https://api-in21.leadsquared.com:443/", "port"),
    ("other path", "https://api-in21.leadsquared.com/redirect?to=x", "query"),
    ("path", "https://api-in21.leadsquared.com/admin", "path"),
    ("fragment", "https://api-in21.leadsquared.com#x", "query"),
    ("backslash", "https://evil.example\\.leadsquared.com", "backslash"),
    ("percent encoding", "api%2Din21.leadsquared.com", "percent"),
    ("inner space", "api in21.leadsquared.com", "spaces"),
    ("non ascii", "аpi.leadsquared.com", "non-ASCII"),
    ("trailing dot", "api-in21.leadsquared.com.", "dot"),
    ("empty", "   ", "empty"),
    ("underscore label", "api_in21.leadsquared.com", "valid host name"),
]


@pytest.mark.parametrize(("entered", "expected"), ACCEPTED)
def test_normalize_host_accepts(entered, expected):
    assert hosts.normalize_host(entered) == expected


@pytest.mark.parametrize(("case", "entered", "words"), REJECTED, ids=[case for case, _, _ in REJECTED])
def test_normalize_host_rejects(case, entered, words):
    with pytest.raises(HostNotAllowed) as raised:
        hosts.normalize_host(entered)

    assert words in raised.value.message
    assert raised.value.retryable is False


RESOLVED_REJECTED = [
    # (case, addresses the name resolves to, problem named)
    ("loopback v4", ["127.0.0.1"], "loopback"),
    ("loopback v4 other", ["127.1.2.3"], "loopback"),
    ("private 10/8", ["10.1.2.3"], "private"),
    ("private 172.16/12", ["172.20.0.1"], "private"),
    ("private 192.168/16", ["192.168.1.10"], "private"),
    ("link-local metadata", ["169.254.169.254"], "link-local"),
    ("shared address space", ["100.64.0.1"], "non-public"),
    ("unspecified", ["0.0.0.0"], "unspecified"),
    ("loopback v6", ["::1"], "loopback"),
    ("link-local v6", ["fe80::1%eth0"], "link-local"),
    ("unique local v6", ["fd00::1"], "private"),
    ("v4-mapped loopback", ["::ffff:127.0.0.1"], "loopback"),
    ("v4-mapped private", ["::ffff:10.0.0.1"], "private"),
    ("one private among public", ["13.126.1.1", "10.0.0.1"], "private"),
    ("multicast", ["224.0.0.1"], "multicast"),
]


@pytest.mark.parametrize(("case", "addresses", "problem"), RESOLVED_REJECTED, ids=[c[0] for c in RESOLVED_REJECTED])
def test_public_addresses_rejects(monkeypatch, case, addresses, problem):
    requested = []

    def resolver(host, port):
        requested.append((host, port))
        return addresses

    monkeypatch.setattr(hosts, "resolver", resolver)

    with pytest.raises(HostNotAllowed) as raised:
        hosts.public_addresses("api-in21.leadsquared.com")

    assert problem in raised.value.message
    assert requested == [("api-in21.leadsquared.com", 443)]


def test_public_addresses_accepts_public(monkeypatch):
    monkeypatch.setattr(hosts, "resolver", lambda host, port: ["13.126.1.1", "2406:da1a::1"])

    assert hosts.public_addresses("api-in21.leadsquared.com") == ["13.126.1.1", "2406:da1a::1"]


def test_public_addresses_resolution_failure(monkeypatch):
    def resolver(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(hosts, "resolver", resolver)

    with pytest.raises(LeadSquaredError) as raised:
        hosts.public_addresses("api-nowhere.leadsquared.com")

    assert "could not be resolved" in raised.value.message
    assert raised.value.sent is False


def test_client_rejects_loopback_before_request(db, workspace, monkeypatch, settings):
    """Without the stub setting, a name resolving to loopback is refused inside the connection."""
    settings.LEADSQUARED_STUB_BASE_URL = ""
    monkeypatch.setattr(hosts, "resolver", lambda host, port: ["127.0.0.1"])
    client = LeadSquaredClient(Credentials("api-in21.leadsquared.com", "access", "secret", workspace.pk))

    with pytest.raises(HostNotAllowed) as raised:
        client.user_by_access_key()

    assert "127.0.0.1, a loopback address" in raised.value.message
    assert raised.value.sent is False


def test_client_checks_host_with_stub(db, workspace, stub):
    """The stub replaces where requests go, not the check of the host the user entered."""
    with pytest.raises(HostNotAllowed):
        LeadSquaredClient(Credentials("leadsquared.com.evil.example", "access", "secret", workspace.pk))

    assert stub.received == []


STUB_URLS_REJECTED = [
    "https://127.0.0.1:8299",
    "http://10.0.0.1:8299",
    "http://api-in21.leadsquared.com",
    "http://user:pass@127.0.0.1:8299",
    "http://169.254.169.254",
]


@pytest.mark.parametrize("url", STUB_URLS_REJECTED)
def test_stub_base_url_rejects(settings, url):
    settings.LEADSQUARED_STUB_BASE_URL = url

    with pytest.raises(ImproperlyConfigured):
        hosts.stub_base_url()


def test_stub_base_url_empty_in_production_settings():
    from callkaro import settings as production

    assert production.LEADSQUARED_STUB_BASE_URL == ""
