"""Leads, calls and call attempts: the rows that are the schedule.

Every planned dial is a CallAttempt row with ``scheduled_for``. Writing the row is the
commitment; the broker only carries short-lived "place this attempt now" messages.
"""
import secrets

from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Workspace
from agents.models import Agent
from calls.outcomes_catalog import Outcome
from calls.policy import CallPolicy


class LeadManager(models.Manager):
    def create_unless_received(self, **values) -> "Lead | None":
        """Insert a lead, or return None when the agent already has one with its crm and external_id.

        One INSERT … ON CONFLICT DO NOTHING statement. Catching IntegrityError instead would
        need a savepoint, two more round trips on every delivery.
        """
        lead = self.model(**values)
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        connection = connections[self.db]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(self.model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {quote('id')}"
        )
        params = [field.get_db_prep_save(field.pre_save(lead, add=True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        lead.pk = row[0]
        lead._state.adding = False
        lead._state.db = self.db
        return lead


class Lead(models.Model):
    """A CRM lead received for one agent. One lead starts at most one call per agent."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="leads")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="leads")
    crm = models.CharField(max_length=20, default="leadsquared")
    # The CRM's id of the lead (LeadSquared's ProspectID), or "phone:<E.164>" without one.
    external_id = models.CharField(max_length=120)
    fields = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    objects = LeadManager()

    class Meta:
        constraints = [
            # Duplicate deliveries race on this constraint, not on a read before the insert.
            models.UniqueConstraint(fields=["agent", "crm", "external_id"], name="unique_lead_per_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.crm} lead {self.external_id}"


class CallQuerySet(models.QuerySet):
    def update(self, **changes):
        # Conditional updates are how calls change state; keep updated_at true for them too.
        changes.setdefault("updated_at", timezone.now())
        return super().update(**changes)


def new_call_id() -> str:
    return "call_" + secrets.token_hex(10)


class Call(models.Model):
    """One lead's call, made of one or more attempts.

    Status transitions:
        resolving → scheduled            (missing CRM fields looked up)
        scheduled ⇄ in_progress          (an attempt dials; a retry is planned)
        scheduled / in_progress → completed, not_reached or canceled (final)
    """

    class Status(models.TextChoices):
        RESOLVING = "resolving", "Resolving lead"
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        NOT_REACHED = "not_reached", "Not reached"
        CANCELED = "canceled", "Canceled"

    FINAL_STATUSES = (Status.COMPLETED, Status.NOT_REACHED, Status.CANCELED)

    public_id = models.CharField(max_length=40, unique=True, default=new_call_id, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="calls")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="calls")
    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="call")
    phone = models.CharField(max_length=20, help_text="The number dialled, in E.164.")
    variables = models.JSONField(default=dict)
    policy = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # The outcome of the latest finished attempt.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    # CRM fields the agent maps that the lead did not carry.
    missing_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        indexes = [
            # The dashboard's and the API's call lists: one workspace, newest first.
            models.Index(fields=["workspace", "-created_at"], name="call_workspace_recent"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def call_policy(self) -> CallPolicy:
        return CallPolicy.from_json(self.policy)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def display_name(self) -> str:
        """The lead's name for lists: the agent's name variable, else the CRM's name fields."""
        fields = self.lead.fields if isinstance(self.lead.fields, dict) else {}
        full_name = " ".join(str(fields.get(key) or "").strip() for key in ("FirstName", "LastName")).strip()
        return (self.variables or {}).get("name") or full_name or "Unnamed lead"


class CallAttempt(models.Model):
    """One dial of a call.

    Status transitions, each a conditional update whose row count is checked:
        pending → queued        the dispatcher claimed it and enqueued place_call
        queued → dialing        place_call won it and is asking the provider to dial
        queued → pending        outside the window, agent paused or at its limit
        dialing → in_progress   the provider accepted the call
        dialing → pending       a transient provider error; retried soon, no retry used
        dialing / in_progress → ended   an outcome was recorded
        pending / queued → canceled
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        QUEUED = "queued", "Queued"
        DIALING = "dialing", "Dialing"
        IN_PROGRESS = "in_progress", "In progress"
        ENDED = "ended", "Ended"
        CANCELED = "canceled", "Canceled"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    scheduled_for = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=30, blank=True, default="")
    provider_call_id = models.CharField(max_length=120, blank=True, default="")
    duration_seconds = models.FloatField(null=True, blank=True)
    transcript = models.TextField(blank=True, default="")
    summary = models.TextField(blank=True, default="")
    recording_url = models.URLField(max_length=1000, blank=True, default="")
    # The provider's own end reason, kept as it came.
    end_reason = models.CharField(max_length=120, blank=True, default="")
    error = models.TextField(blank=True, default="")
    # Provider errors that a retry can fix; these do not use up one of the lead's retries.
    transient_failures = models.PositiveSmallIntegerField(default=0)
    # Started with the dashboard's "Call now": dials even outside the calling window.
    manual = models.BooleanField(default=False)
    # Times the dispatcher re-sent place_call because the task had not run within
    # QUEUED_TIMEOUT. Each re-send waits twice as long as the one before.
    resends = models.PositiveSmallIntegerField(default=0)
    # Last time the polling fallback asked the provider about this call.
    polled_at = models.DateTimeField(null=True, blank=True)
    provider_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    ACTIVE_STATUSES = (Status.QUEUED, Status.DIALING, Status.IN_PROGRESS)

    class Meta:
        ordering = ["number"]
        constraints = [
            # Two callbacks that both plan "the next attempt" cannot both insert it.
            models.UniqueConstraint(fields=["call", "number"], name="unique_attempt_number"),
        ]
        indexes = [
            # The dispatcher's claim: pending attempts by due time. Partial, so the index
            # stays the size of the backlog, not of the call history.
            models.Index(
                fields=["scheduled_for"], condition=Q(status="pending"), name="attempt_pending_due",
            ),
            # Recovery and concurrency checks look only at attempts in flight.
            models.Index(
                fields=["status", "started_at"],
                condition=Q(status__in=["queued", "dialing", "in_progress"]),
                name="attempt_in_flight",
            ),
            models.Index(fields=["provider", "provider_call_id"], name="attempt_provider_call"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.number}"
