"""Celery discovers tasks in each app's ``tasks`` module; the integrations keep theirs in their packages."""
from integrations.leadsquared.tasks import lookup_lead, refresh_fields, send_write_back  # noqa: F401
