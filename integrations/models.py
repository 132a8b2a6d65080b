"""CRM connections. One LeadSquared connection per workspace."""
from django.db import models
from django.utils import timezone

from accounts.models import Workspace
from callkaro.encryption import EncryptedTextField


class LeadSquaredConnection(models.Model):
    """A workspace's LeadSquared API credentials and what the last check found.

    Status transitions: unchecked → connected or invalid (by Test connection); any →
    unchecked when the credentials change. Disconnecting deletes the row.
    """

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Not tested yet"
        CONNECTED = "connected", "Connected"
        INVALID = "invalid", "Invalid credentials"
        UNREACHABLE = "unreachable", "LeadSquared unreachable"

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="leadsquared")
    # API host such as api-in21.leadsquared.com, without scheme or path.
    host = models.CharField(max_length=255)
    access_key = EncryptedTextField()
    secret_key = EncryptedTextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCHECKED)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    # Regional API host named by LeadSquared when it differs from ``host``.
    suggested_host = models.CharField(max_length=255, blank=True, default="")
    # Activity type code used to write call results back to the lead.
    activity_event_code = models.PositiveIntegerField(null=True, blank=True)
    # Lead fields from LeadsMetaData.Get: [{"schema_name", "display_name", "data_type"}, …].
    fields_cache = models.JSONField(default=list, blank=True)
    fields_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"LeadSquared {self.host} ({self.get_status_display()})"
