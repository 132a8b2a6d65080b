"""The workspace's LeadSquared lead fields, fetched with LeadsMetaData.Get and cached on the connection.

``catalogue.fields_for(workspace)`` reads the cache for the Variable Source dropdown;
``refresh_fields`` fills it: Test connection calls it, and so should a dashboard refresh action.
"""
import logging
from datetime import timedelta

from django.utils import timezone

from integrations.leadsquared.catalogue import LeadField
from integrations.models import LeadSquaredConnection

logger = logging.getLogger(__name__)

# A cache older than this is refreshed by ``refresh_if_stale``.
MAX_AGE = timedelta(hours=24)


def fields_from_metadata(metadata: list[dict]) -> list[LeadField]:
    """Read LeadsMetaData.Get's entries; entries without a schema name are skipped."""
    fields = []
    seen = set()
    for entry in metadata:
        if not isinstance(entry, dict):
            continue
        schema_name = str(entry.get("SchemaName") or "").strip()
        if not schema_name or schema_name in seen:
            continue
        seen.add(schema_name)
        display_name = str(entry.get("DisplayName") or "").strip() or schema_name
        fields.append(LeadField(schema_name, display_name, str(entry.get("DataType") or "Text")))
    return fields


def refresh_fields(connection: LeadSquaredConnection) -> list[LeadField]:
    """Fetch the lead fields from LeadSquared and store them on the connection.

    Raises LeadSquaredError, leaving the previous cache in place, when the fetch fails.
    """
    from integrations.leadsquared.connection import client_for

    fields = fields_from_metadata(client_for(connection, max_retries=2).leads_metadata())
    cache = [{"schema_name": f.schema_name, "display_name": f.display_name, "data_type": f.data_type} for f in fields]
    fetched_at = timezone.now()
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(fields_cache=cache, fields_fetched_at=fetched_at)
    connection.fields_cache = cache
    connection.fields_fetched_at = fetched_at
    logger.info("LeadSquared fields of workspace %s refreshed: %s fields", connection.workspace_id, len(cache))
    return fields


def is_stale(connection: LeadSquaredConnection, now=None) -> bool:
    now = now or timezone.now()
    return connection.fields_fetched_at is None or now - connection.fields_fetched_at > MAX_AGE


def refresh_if_stale(connection: LeadSquaredConnection) -> bool:
    """Refresh the cache when it is older than MAX_AGE; return whether it was refreshed."""
    if not is_stale(connection):
        return False
    refresh_fields(connection)
    return True
