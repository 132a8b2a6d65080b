"""HTTP plumbing shared by the provider adapters.

Each provider's API host is fixed in its module. Only ``settings.PROVIDER_STUB_BASE_URLS``
replaces it, and only with a loopback address, so the local stubs can stand in for a
provider while no workspace setting can make the server call a host of its choosing.
"""
import hashlib
import hmac
import json
import logging
import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from calls.outcomes_catalog import Outcome
from calls.providers.base import InvalidSignature, ProviderError

logger = logging.getLogger(__name__)

# Seconds to wait for a provider's API: to connect, then to read the response.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# A provider error text is stored on the attempt; this keeps a long HTML error page out.
MAX_ERROR_TEXT = 300


def api_base_url(provider_name: str, production_url: str) -> str:
    """Return the provider's API base URL, or its local stub's when a test points there."""
    override = (getattr(settings, "PROVIDER_STUB_BASE_URLS", None) or {}).get(provider_name)
    if not override:
        return production_url
    host = urlsplit(override).hostname or ""
    if host not in LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            f"PROVIDER_STUB_BASE_URLS[{provider_name!r}] is {override!r}; a stub URL must be on "
            "127.0.0.1, localhost or [::1]. Remove the entry to use the provider's real API."
        )
    return override.rstrip("/")


def send(method: str, url: str, *, headers: dict[str, str], json_body: dict | None = None) -> requests.Response:
    """Send one request without following redirects; raise a transient ProviderError on network failure."""
    try:
        return requests.request(
            method, url, headers=headers, json=json_body,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), allow_redirects=False,
        )
    except requests.Timeout as error:
        raise ProviderError(f"The provider's API timed out ({type(error).__name__}); the call is tried again later.", permanent=False) from error
    except requests.RequestException as error:
        raise ProviderError(f"Could not connect to the provider's API ({type(error).__name__}); the call is tried again later.", permanent=False) from error


def response_json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {"items": body}


def error_text(response: requests.Response) -> str:
    """Return the provider's error message from a JSON or text body, shortened."""
    body = response_json(response)
    for key in ("message", "error", "error_message", "detail"):
        value = body.get(key)
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        if value:
            return str(value)[:MAX_ERROR_TEXT]
    return response.text[:MAX_ERROR_TEXT]


CONCURRENCY_WORDS = ("concurrency", "concurrent", "rate limit", "too many")


def classify_failure(provider_label: str, response: requests.Response, number_words: tuple[str, ...]) -> ProviderError:
    """Turn a non-2xx response into a ProviderError that says whether a retry can help.

    401/403: the key is wrong (permanent). 429, 5xx and concurrency-limit responses:
    transient. 400/404/422 (or a 200 reporting an error) whose message contains one of ``number_words`` (the
    provider's name for the dialled number's field): invalid_number (permanent).
    Any other 4xx: the agent's settings are wrong (permanent).
    """
    status = response.status_code
    text = error_text(response)
    lowered = text.lower()
    message = f"{provider_label} returned HTTP {status}: {text}"

    if status in (401, 403):
        return ProviderError(
            f"{provider_label} rejected the API key (HTTP {status}); paste a valid key in the agent's settings.",
            permanent=True,
        )
    if status == 429 or status >= 500 or any(word in lowered for word in CONCURRENCY_WORDS):
        return ProviderError(message, permanent=False)
    # Bland reports some rejections as HTTP 200 with "status": "error".
    if status in (200, 400, 404, 422) and any(word in lowered for word in number_words):
        return ProviderError(message, permanent=True, outcome=Outcome.INVALID_NUMBER)
    return ProviderError(message, permanent=True)


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def require_equal(expected: str, received: str) -> None:
    """Compare in constant time; raise InvalidSignature on a mismatch."""
    if not received or not hmac.compare_digest(expected.encode(), received.strip().encode()):
        raise InvalidSignature("The callback's signature does not match.")


def load_json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as error:
        raise ValueError("The callback body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise ValueError("The callback body is not a JSON object.")
    return data


_unknown_reasons: set[tuple[str, str]] = set()
_unknown_lock = threading.Lock()


def outcome_for_reason(provider_name: str, table: dict[str, str], reason: str, prefixes: tuple[tuple[str, str], ...] = ()) -> str:
    """Map a provider's end reason onto an Outcome; an unknown reason is failed, logged once per value."""
    if reason in table:
        return table[reason]
    for prefix, outcome in prefixes:
        if reason.startswith(prefix):
            return outcome
    with _unknown_lock:
        first_time = (provider_name, reason) not in _unknown_reasons
        _unknown_reasons.add((provider_name, reason))
    if first_time:
        logger.warning("unknown %s end reason %r recorded as failed", provider_name, reason)
    return Outcome.FAILED


def attempt_id_from(metadata: Any, key: str = "callkaro_attempt_id") -> int | None:
    """Read our attempt id from a provider's metadata object; None when absent or malformed."""
    if not isinstance(metadata, dict):
        return None
    value = metadata.get(key)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
