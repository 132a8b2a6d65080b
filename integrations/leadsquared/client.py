"""The LeadSquared REST API client (v2), built on requests.

Every request:
- goes to ``https://{host}/v2/…`` for a host that passed the guard in ``hosts.py``;
- carries the keys in the ``x-LSQ-AccessKey`` / ``x-LSQ-SecretKey`` headers, never in the URL,
  so no logged URL contains them;
- takes a slot from the workspace's rate limiter first;
- has a connect and a read timeout and follows no redirect.

Failures become ``LeadSquaredError`` with ``retryable`` set for 429, 5xx, timeouts and
connection errors. With ``max_retries``, interactive callers retry those in place, with
exponential backoff and full jitter. Background tasks keep ``max_retries=0`` and schedule
their own retries, so no worker sleeps long.
"""
import json
import logging
import random
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from integrations.leadsquared import hosts, ratelimit
from integrations.leadsquared.errors import LeadSquaredError
from integrations.leadsquared.transport import guarded_session

logger = logging.getLogger(__name__)

# Seconds to wait for a slot of the rate limiter before giving up with RateLimited.
DEFAULT_LIMITER_WAIT = 10.0
# Interactive retries: first backoff ceiling and cap, in seconds.
RETRY_BASE = 0.5
RETRY_CAP = 4.0
# Characters of a non-JSON error body kept in the error message.
BODY_EXCERPT = 200


def backoff_seconds(tries: int, base: float, cap: float) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**(tries-1))]."""
    ceiling = min(cap, base * 2 ** max(tries - 1, 0))
    return random.uniform(0, ceiling)


@dataclass(frozen=True)
class Credentials:
    host: str
    access_key: str
    secret_key: str
    workspace_id: int

    def __repr__(self) -> str:
        # Keys stay out of reprs, tracebacks and logs.
        return f"Credentials(host={self.host!r}, workspace_id={self.workspace_id})"


class LeadSquaredClient:
    def __init__(self, credentials: Credentials, *, max_retries: int = 0, limiter_wait: float = DEFAULT_LIMITER_WAIT):
        self.credentials = credentials
        self.base_url = hosts.api_base_url(credentials.host)
        self.max_retries = max_retries
        self.limiter_wait = limiter_wait
        self.session = guarded_session()

    # Endpoints -------------------------------------------------------------------------

    def user_by_access_key(self) -> dict:
        """Return the user whose keys these are, with TimeZone, DefaultCountryCode and the API host."""
        data = self.request("GET", "Authentication.svc/UserByAccessKey.Get")
        return self._expect(data, dict, "Authentication.svc/UserByAccessKey.Get")

    def leads_metadata(self) -> list[dict]:
        """Return every lead field's properties, without dropdown options."""
        data = self.request("GET", "LeadManagement.svc/LeadsMetaData.Get", params={"excludeOptionSets": "1"})
        return self._expect(data, list, "LeadManagement.svc/LeadsMetaData.Get")

    def lead_by_id(self, lead_id: str) -> dict | None:
        """Return the lead's fields, or None when LeadSquared has no lead with this id."""
        data = self.request("GET", "LeadManagement.svc/Leads.GetById", params={"id": lead_id})
        leads = self._expect(data, list, "LeadManagement.svc/Leads.GetById")
        return leads[0] if leads and isinstance(leads[0], dict) else None

    def create_activity(self, body: dict) -> str:
        """Post an activity on a lead; return the new activity's id."""
        data = self.request("POST", "ProspectActivity.svc/Create", json_body=body)
        return self._message_id(data, "ProspectActivity.svc/Create")

    def create_activity_type(self, body: dict) -> int:
        """Create a custom activity type; return its activity event code."""
        data = self.request("POST", "ProspectActivity.svc/CreateType", json_body=body)
        # NOTE: the documentation page shows no response; two public clients read the new
        # event code from Message.Id, as ProspectActivity.svc/Create returns its id.
        code = self._message_id(data, "ProspectActivity.svc/CreateType")
        try:
            return int(code)
        except ValueError as error:
            raise LeadSquaredError(
                f"ProspectActivity.svc/CreateType returned {code!r} where an event code number was expected.",
                retryable=False,
            ) from error

    # Transport -------------------------------------------------------------------------

    def request(self, method: str, endpoint: str, *, params: dict | None = None, json_body: dict | None = None):
        """Send one request (retrying transient failures up to ``max_retries`` times); return parsed JSON."""
        tries = 0
        while True:
            tries += 1
            try:
                return self._send_once(method, endpoint, params, json_body)
            except LeadSquaredError as error:
                if not error.retryable or tries > self.max_retries:
                    raise
                delay = error.retry_after if error.retry_after is not None else backoff_seconds(tries, RETRY_BASE, RETRY_CAP)
                logger.info(
                    "LeadSquared %s for workspace %s failed (%s), try %s of %s, retrying in %.1f s",
                    endpoint, self.credentials.workspace_id, error.message, tries, self.max_retries + 1, delay,
                )
                time.sleep(min(delay, RETRY_CAP))

    def _send_once(self, method, endpoint, params, json_body):
        ratelimit.acquire(self.credentials.workspace_id, self.limiter_wait)
        headers = {
            "x-LSQ-AccessKey": self.credentials.access_key,
            "x-LSQ-SecretKey": self.credentials.secret_key,
            "Accept": "application/json",
        }
        timeout = (settings.LEADSQUARED_CONNECT_TIMEOUT, settings.LEADSQUARED_READ_TIMEOUT)
        try:
            response = self.session.request(
                method, self.base_url + endpoint, params=params, json=json_body, headers=headers,
                timeout=timeout, allow_redirects=False,
            )
        except requests.ConnectTimeout as error:
            raise LeadSquaredError(f"Connecting to LeadSquared timed out ({endpoint}).", retryable=True, sent=False) from error
        except requests.Timeout as error:
            # The request was sent; whether LeadSquared acted on it is unknown.
            raise LeadSquaredError(f"LeadSquared did not respond in time ({endpoint}).", retryable=True, sent=True) from error
        except requests.ConnectionError as error:
            raise LeadSquaredError(
                f"Could not connect to LeadSquared ({endpoint}): {type(error).__name__}.",
                retryable=True, sent=_maybe_sent(error),
            ) from error
        except requests.RequestException as error:
            raise LeadSquaredError(f"The request to LeadSquared failed ({endpoint}): {error}", retryable=False) from error

        logger.debug("LeadSquared %s %s → %s (workspace %s)", method, endpoint, response.status_code, self.credentials.workspace_id)
        return parse_response(response, endpoint)

    @staticmethod
    def _expect(data, kind: type, endpoint: str):
        if not isinstance(data, kind):
            raise LeadSquaredError(
                f"{endpoint} returned a JSON {type(data).__name__} where a {kind.__name__} was expected.",
                retryable=False,
            )
        return data

    @staticmethod
    def _message_id(data, endpoint: str) -> str:
        message = data.get("Message") if isinstance(data, dict) else None
        identifier = message.get("Id") if isinstance(message, dict) else None
        if not identifier:
            raise LeadSquaredError(f"{endpoint} returned no Message.Id: {str(data)[:BODY_EXCERPT]}", retryable=False)
        return str(identifier)


def _maybe_sent(error: requests.ConnectionError) -> bool:
    """Tell whether a connection error came after the request went out (a reset while waiting)."""
    text = str(error)
    return not any(marker in text for marker in ("NewConnectionError", "NameResolutionError", "Failed to establish"))


def parse_response(response: requests.Response, endpoint: str):
    """Return the JSON body of a 2xx response; raise LeadSquaredError for anything else."""
    status = response.status_code
    body = _json_or_none(response)
    error_type, error_message = _error_fields(body)

    if 200 <= status < 300 and error_type == "" and not (isinstance(body, dict) and body.get("Status") == "Error"):
        if body is None:
            raise LeadSquaredError(f"{endpoint} returned {status} with a body that is not JSON.", retryable=False, status_code=status)
        return body

    detail = error_message or (response.text or "").strip()[:BODY_EXCERPT] or response.reason or "no details"
    if 300 <= status < 400:
        message = f"LeadSquared responded to {endpoint} with a redirect ({status}), which is not followed. Check the host."
        retryable = False
    elif status == 401:
        message = f"LeadSquared rejected the access key or secret key: {detail}"
        retryable = False
    elif status == 429:
        message = f"LeadSquared's rate limit was exceeded: {detail}"
        retryable = True
    elif status >= 500:
        message = f"LeadSquared failed with {status} on {endpoint}: {detail}"
        retryable = True
    else:
        message = f"LeadSquared rejected {endpoint} ({status}): {detail}"
        retryable = False
    retry_after = _retry_after(response) if status == 429 else None
    raise LeadSquaredError(message, retryable=retryable, status_code=status, exception_type=error_type, retry_after=retry_after)


def _json_or_none(response: requests.Response):
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def _error_fields(body) -> tuple[str, str]:
    if isinstance(body, dict) and body.get("Status") == "Error":
        return str(body.get("ExceptionType") or "Error"), str(body.get("ExceptionMessage") or "")
    return "", ""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def retry_delay(tries: int) -> float:
    """Seconds before a background retry after ``tries`` failed tries: exponential, with jitter.

    Uniform in [ceiling/2, ceiling] where the ceiling doubles from LEADSQUARED_RETRY_BACKOFF up
    to LEADSQUARED_RETRY_BACKOFF_MAX, so retries spread out but never bunch up at zero.
    """
    ceiling = min(settings.LEADSQUARED_RETRY_BACKOFF_MAX, settings.LEADSQUARED_RETRY_BACKOFF * 2 ** max(tries - 1, 0))
    return random.uniform(ceiling / 2, ceiling)
