"""Reading the LeadSquared API host a user types into the Connect form."""
import re
from urllib.parse import urlsplit

# LeadSquared's API hosts, e.g. api.leadsquared.com, api-in21.leadsquared.com.
ALLOWED_SUFFIX = ".leadsquared.com"
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class InvalidHost(ValueError):
    """The host is not an https LeadSquared API host. The message gives an accepted example."""


def normalize_host(raw: str) -> str:
    """Return the bare host of ``raw`` ("https://api-in21.leadsquared.com/" → "api-in21.leadsquared.com").

    Only https URLs (or a bare host) under leadsquared.com are accepted, without port,
    credentials, path or query, because the server will send the secret key there.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidHost("Enter the Host URL, e.g. https://api-in21.leadsquared.com.")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() != "https":
        raise InvalidHost(f"{raw!r} does not use https; use https://api-in21.leadsquared.com or your account's API host.")
    if parts.username or parts.password or parts.port or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise InvalidHost(
            f"{raw!r} has more than a host; enter only the API host, e.g. https://api-in21.leadsquared.com.",
        )
    host = (parts.hostname or "").lower().rstrip(".")
    if not host.endswith(ALLOWED_SUFFIX) or not all(_LABEL.match(label) for label in host.split(".")):
        raise InvalidHost(
            f"{raw!r} is not a LeadSquared API host; it must end in {ALLOWED_SUFFIX}, e.g. https://api-in21.leadsquared.com "
            "(Settings → API & Webhooks in LeadSquared shows yours).",
        )
    return host
