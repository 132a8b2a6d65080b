"""Celery discovers tasks in each app's ``tasks`` module, and the integrations keep theirs in their packages."""
from integrations.leadsquared.tasks import lookup_lead, send_write_back  # noqa: F401
