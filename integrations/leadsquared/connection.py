"""Checking a workspace's LeadSquared connection.

NOTE: a minimal version that checks the host format only; it makes no request to
LeadSquared, so valid credentials stay "Not tested yet". The LeadSquared API client
replaces it with a real check of the keys.
"""
import logging

from django.utils import timezone

from integrations.hosts import InvalidHost, normalize_host
from integrations.models import LeadSquaredConnection

logger = logging.getLogger(__name__)


def test_connection(connection: LeadSquaredConnection) -> LeadSquaredConnection:
    """Check ``connection`` and save its status, last_checked_at and last_error."""
    try:
        normalize_host(connection.host)
    except InvalidHost as error:
        connection.status = LeadSquaredConnection.Status.INVALID
        connection.last_error = str(error)
    else:
        connection.status = LeadSquaredConnection.Status.UNCHECKED
        connection.last_error = ""
    connection.last_checked_at = timezone.now()
    connection.save(update_fields=["status", "last_error", "last_checked_at", "updated_at"])

    logger.info("LeadSquared connection of workspace %s checked: %s", connection.workspace_id, connection.status)
    return connection


# Keep pytest from collecting this function when a test module imports it.
test_connection.__test__ = False
