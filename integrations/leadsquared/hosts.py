"""Which LeadSquared hosts this server may call: the guard against server-side request forgery.

The host is user input that the server calls with stored credentials, so a host is accepted
only when:
- it is written as a DNS name equal to ``leadsquared.com`` or under it, without userinfo,
  port, query or a path other than ``/v2/``, and is not an IP literal;
- the scheme, when given, is https;
- every address the name resolves to is public (not private, loopback, link-local, shared,
  reserved, unspecified or multicast). The check runs again inside the connection, on the
  addresses it connects to, so a DNS answer that changes between check and connect
  (rebinding) is caught too.

Only the tests and the local demo set ``settings.LEADSQUARED_STUB_BASE_URL``, which sends
every request to the local stub server instead. It must name a loopback address over http.
The user-entered host is still checked by the rules above. Only its resolution is skipped,
because nothing connects to it.
"""
import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from integrations.leadsquared.errors import HostNotAllowed, LeadSquaredError

ALLOWED_DOMAIN = "leadsquared.com"
EXAMPLE_HOST = "api-in21.leadsquared.com"
HTTPS_PORT = 443
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_STUB_HOSTS = ("127.0.0.1", "localhost", "::1")


def system_resolver(host: str, port: int) -> list[str]:
    """Return the addresses ``host`` resolves to, through the operating system's resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


# Replaced in tests, so that the guard is exercised without any DNS query or connection.
resolver: Callable[[str, int], list[str]] = system_resolver


def _reject(raw: str, problem: str) -> HostNotAllowed:
    return HostNotAllowed(
        f"The LeadSquared host {raw!r} is not allowed: {problem}. "
        f"Enter your API host as shown in LeadSquared under Settings → API and Webhooks, e.g. {EXAMPLE_HOST}."
    )


def _ip_literal(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return False
    return True


def normalize_host(raw: str) -> str:
    """Return the bare host name in what a user entered, lower-cased, or raise HostNotAllowed.

    Accepts ``api-in21.leadsquared.com``, ``https://api-in21.leadsquared.com`` and the same
    with ``/`` or ``/v2/`` after it.
    """
    text = (raw or "").strip()
    if not text:
        raise _reject(raw or "", "it is empty")
    if not text.isascii() or any(character.isspace() or not character.isprintable() for character in text):
        raise _reject(raw, "it contains spaces, control or non-ASCII characters")
    if "\\" in text or "%" in text:
        raise _reject(raw, "it contains a backslash or a percent-encoded character")

    scheme, separator, rest = text.partition("://")
    if not separator:
        rest = text
    elif scheme.lower() != "https":
        raise _reject(raw, f"the scheme is {scheme}://, and LeadSquared is called over https:// only")

    authority, slash, path = rest.partition("/")
    if "?" in text or "#" in text:
        raise _reject(raw, "it has a query or fragment; enter only the host")
    if slash and ("/" + path).rstrip("/").lower() not in ("", "/v2"):
        raise _reject(raw, f"it has the path /{path}; enter only the host")
    if "@" in authority:
        raise _reject(raw, "it contains a user name or password (the part before @)")
    if _ip_literal(authority):
        raise _reject(raw, "it is an IP address; enter the host name")
    if ":" in authority or authority.startswith("["):
        raise _reject(raw, "it names a port; LeadSquared is called on the https default port, so remove the :port")

    host = authority.lower()
    if host.endswith("."):
        raise _reject(raw, "it ends with a dot")
    if not all(_LABEL.match(label) for label in host.split(".")):
        raise _reject(raw, "it is not a valid host name")
    if host != ALLOWED_DOMAIN and not host.endswith("." + ALLOWED_DOMAIN):
        raise _reject(raw, f"only hosts under {ALLOWED_DOMAIN} can be called")
    return host


def address_problem(address: str) -> str | None:
    """Return why ``address`` must not be called (e.g. "private"), or None for a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "unreadable"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    # The most specific name first: 127.0.0.1 and 169.254.169.254 also count as private.
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((name for name, matches in checks if matches), None)


def public_addresses(host: str, port: int = HTTPS_PORT) -> list[str]:
    """Resolve ``host`` with ``resolver``; raise unless every address is public.

    One non-public address is enough to reject the host: a name that resolves to both kinds
    could send the connection to either.
    """
    try:
        addresses = resolver(host, port)
    except OSError as error:
        raise LeadSquaredError(
            f"The LeadSquared host {host} could not be resolved ({error}); check the host name.",
            retryable=True, sent=False,
        ) from error
    if not addresses:
        raise LeadSquaredError(f"The LeadSquared host {host} resolved to no address.", retryable=True, sent=False)
    for address in addresses:
        problem = address_problem(address)
        if problem is not None:
            raise _reject(host, f"it resolves to {address}, a {problem} address")
    return addresses


def stub_base_url() -> str:
    """Return the configured stub server URL (empty in production), checked to be loopback http."""
    url = (getattr(settings, "LEADSQUARED_STUB_BASE_URL", "") or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in _STUB_HOSTS or parts.username or parts.password:
        raise ImproperlyConfigured(
            f"LEADSQUARED_STUB_BASE_URL={url!r} is invalid: it may only name the local stub server, "
            "e.g. http://127.0.0.1:8299. Leave it empty to call LeadSquared."
        )
    return f"http://{parts.netloc}"


def api_base_url(raw_host: str) -> str:
    """Return the v2 API base URL for a user-entered host, e.g. https://api-in21.leadsquared.com/v2/."""
    host = normalize_host(raw_host)
    stub = stub_base_url()
    if stub:
        return f"{stub}/v2/"
    return f"https://{host}/v2/"
