"""CRM connections. One LeadSquared connection per workspace."""
from django.db import models
from django.utils import timezone

from accounts.models import Workspace
from callkaro.encryption import EncryptedTextField


class LeadSquaredConnection(models.Model):
    """A workspace's LeadSquared API credentials and what the last check found.

    Status transitions: unchecked → connected, invalid or unreachable (by Test connection);
    any → invalid when LeadSquared returns 401 to a lookup or write-back; any → unchecked
    when the credentials change. Disconnecting deletes the row.
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


class LeadLookup(models.Model):
    """Fetching a lead from LeadSquared because its webhook body lacked fields the agent maps.

    The call waits in ``resolving`` without an attempt until the lookup finishes. The row is
    the schedule of the lookup: ``next_try_at`` is when it is due, and the dispatcher's
    recovery enqueues lookups whose task was lost.

    Status transitions, each a conditional update:
        pending → running          a task claimed it
        running → pending          LeadSquared failed transiently; ``next_try_at`` is set
        running → done             the call was scheduled (with or without the fetched fields)
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, related_name="leadsquared_lookup")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the last try found, or why the call went ahead without the fields.
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The recovery's scan: unfinished lookups by due time.
            models.Index(fields=["status", "next_try_at"], name="lookup_status_due"),
        ]

    def __str__(self) -> str:
        return f"lookup for call {self.call_id} ({self.status})"


class WriteBack(models.Model):
    """One activity posted on a LeadSquared lead for one ended call attempt.

    LeadSquared has no idempotency key, so the row is claimed before the request and the
    activity id is stored as soon as it comes back. A request whose response was lost after it
    was sent may or may not have created the activity. It becomes ``unknown`` and is not
    posted again automatically.

    Status transitions, each a conditional update:
        pending → sending          a task claimed it
        sending → sent             LeadSquared returned the activity id
        sending → pending          LeadSquared refused it before acting (429, 5xx, no connection)
        sending → unknown          the request was sent and the answer was lost
        sending / pending → failed a permanent error, or the last try failed
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        UNKNOWN = "unknown", "Unknown (not re-posted)"
        FAILED = "failed", "Failed"

    attempt = models.OneToOneField("calls.CallAttempt", on_delete=models.CASCADE, related_name="leadsquared_write_back")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="leadsquared_write_backs")
    # The LeadSquared lead (ProspectID) the activity is posted on.
    prospect_id = models.CharField(max_length=120)
    call_ended = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    activity_id = models.CharField(max_length=120, blank=True, default="")
    # The activity body posted (no credentials), kept to show and to check what was sent.
    request_body = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The recovery's scan: pending rows by due time, sending rows by claim time.
            models.Index(fields=["status", "next_try_at"], name="writeback_status_due"),
        ]

    def __str__(self) -> str:
        return f"write-back for attempt {self.attempt_id} ({self.status})"


class RateLimitWindow(models.Model):
    """Recent LeadSquared request times of one workspace, for the database rate limiter."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    # Unix times (seconds, float) of the requests inside the current window.
    request_times = models.JSONField(default=list)
