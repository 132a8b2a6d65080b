"""Testing a workspace's LeadSquared connection, and building clients from it.

``test_connection`` is what the dashboard's Test button calls; ``check`` returns the details. The first time a connection
works, the account's timezone and default country become the workspace's defaults. The
admin may change them afterwards, and a later test keeps the admin's choice. A different
regional API host named by LeadSquared is offered as ``suggested_host``.
"""
import logging
from dataclasses import dataclass
from zoneinfo import available_timezones

import phonenumbers
from django.utils import timezone

from integrations.leadsquared.client import Credentials, LeadSquaredClient
from integrations.leadsquared.errors import HostNotAllowed, LeadSquaredError
from integrations.leadsquared.hosts import normalize_host
from integrations.models import LeadSquaredConnection

logger = logging.getLogger(__name__)

Status = LeadSquaredConnection.Status

# Test connection runs while the admin waits, so 429 and 5xx responses get a few quick retries.
INTERACTIVE_RETRIES = 2


@dataclass
class ConnectionTestResult:
    ok: bool
    status: str
    message: str
    timezone: str = ""
    default_region: str = ""
    suggested_host: str = ""
    # The workspace defaults this test changed, e.g. {"timezone": "Asia/Kolkata"}.
    applied_defaults: dict | None = None


def client_for(connection: LeadSquaredConnection, *, max_retries: int = 0, limiter_wait: float | None = None) -> LeadSquaredClient:
    """Return a client for the connection's host and keys; raise HostNotAllowed for a bad host."""
    credentials = Credentials(
        host=connection.host, access_key=connection.access_key, secret_key=connection.secret_key,
        workspace_id=connection.workspace_id,
    )
    options = {"limiter_wait": limiter_wait} if limiter_wait is not None else {}
    return LeadSquaredClient(credentials, max_retries=max_retries, **options)


def mark_unauthorized(connection: LeadSquaredConnection, message: str) -> None:
    """Mark the connection invalid after LeadSquared returned 401, so the dashboard shows why."""
    _record(connection, Status.INVALID, message)
    logger.warning("LeadSquared connection of workspace %s is invalid: %s", connection.workspace_id, message)


def region_for_country_code(code) -> str:
    """Return the region (e.g. "IN") for a calling code such as "91" or "+91", or "" if unknown."""
    digits = str(code or "").strip().lstrip("+")
    if not digits.isdigit():
        return ""
    region = phonenumbers.region_code_for_country_code(int(digits))
    return "" if region in ("", "ZZ", "001") else region


def regional_host(user: dict) -> str:
    """Return the API host LeadSquared names for this account (LSQCommonServiceURLs.api), or ""."""
    urls = user.get("LSQCommonServiceURLs")
    api = urls.get("api") if isinstance(urls, dict) else None
    if not isinstance(api, str) or not api.strip():
        return ""
    try:
        return normalize_host(api)
    except HostNotAllowed:
        logger.warning("LeadSquared named an API host outside the allowed domain: %r", api[:100])
        return ""


def test_connection(connection: LeadSquaredConnection) -> LeadSquaredConnection:
    """Call UserByAccessKey.Get with the stored keys and record what it found on the connection.

    Returns the connection with its status, last_error, last_checked_at and suggested_host
    updated, and the details in ``connection.test_result`` (a ConnectionTestResult).
    """
    connection.test_result = check(connection)
    return connection


# Keep pytest from collecting this function when a test module imports it.
test_connection.__test__ = False


def check(connection: LeadSquaredConnection) -> ConnectionTestResult:
    """Test the connection as ``test_connection`` does; return the result."""
    try:
        user = client_for(connection, max_retries=INTERACTIVE_RETRIES).user_by_access_key()
    except LeadSquaredError as error:
        status = Status.UNREACHABLE if error.retryable else Status.INVALID
        _record(connection, status, error.message)
        logger.info("LeadSquared connection of workspace %s: %s (%s)", connection.workspace_id, status, error.message)
        return ConnectionTestResult(ok=False, status=status, message=error.message)

    was_connected = connection.status == Status.CONNECTED
    account_timezone = user.get("TimeZone") if user.get("TimeZone") in available_timezones() else ""
    region = region_for_country_code(user.get("DefaultCountryCode"))
    api_host = regional_host(user)
    suggested = api_host if api_host and api_host != normalize_host(connection.host) else ""

    applied = {} if was_connected else _apply_workspace_defaults(connection.workspace, account_timezone, region)
    _record(connection, Status.CONNECTED, "", suggested_host=suggested)

    from integrations.leadsquared.fields import refresh_fields

    try:
        refresh_fields(connection)
    except LeadSquaredError as error:
        # The keys work; the field list is fetched again on the next refresh.
        logger.warning("LeadSquared fields of workspace %s not refreshed: %s", connection.workspace_id, error.message)

    message = "Connected to LeadSquared."
    if suggested:
        message += f" LeadSquared names {suggested} as this account's API host; switch to it."
    logger.info("LeadSquared connection of workspace %s works", connection.workspace_id)
    return ConnectionTestResult(
        ok=True, status=Status.CONNECTED, message=message, timezone=account_timezone,
        default_region=region, suggested_host=suggested, applied_defaults=applied,
    )


def _apply_workspace_defaults(workspace, account_timezone: str, region: str) -> dict:
    changes = {}
    if account_timezone and workspace.timezone != account_timezone:
        changes["timezone"] = account_timezone
    if region and workspace.default_region != region:
        changes["default_region"] = region
    if changes:
        type(workspace).objects.filter(pk=workspace.pk).update(**changes)
        for name, value in changes.items():
            setattr(workspace, name, value)
    return changes


def _record(connection: LeadSquaredConnection, status: str, error: str, *, suggested_host: str | None = None) -> None:
    values = {"status": status, "last_error": error, "last_checked_at": timezone.now()}
    if suggested_host is not None:
        values["suggested_host"] = suggested_host
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(**values)
    for name, value in values.items():
        setattr(connection, name, value)
