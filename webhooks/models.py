"""The delivery log: every request to the CRM webhook, kept with its body."""
from django.db import models
from django.utils import timezone

from accounts.models import Workspace
from agents.models import Agent


class WebhookDelivery(models.Model):
    class Result(models.TextChoices):
        SCHEDULED = "scheduled", "Call scheduled"
        DUPLICATE = "duplicate", "Duplicate lead"
        REJECTED = "rejected", "Lead rejected"
        INVALID = "invalid", "Invalid request"
        UNAUTHORIZED = "unauthorized", "Unauthorized"
        NOT_FOUND = "not_found", "Agent not found"
        RATE_LIMITED = "rate_limited", "Rate limited"

    workspace = models.ForeignKey(Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    received_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    # Path and query string with every API key removed.
    url = models.TextField()
    content_type = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    body_truncated = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField()
    result = models.CharField(max_length=20, choices=Result.choices)
    reason = models.TextField(blank=True, default="")
    response = models.JSONField(default=dict)
    leads_received = models.PositiveIntegerField(default=0)
    calls_created = models.PositiveIntegerField(default=0)
    first_call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["workspace", "-received_at"], name="delivery_workspace_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.received_at:%Y-%m-%d %H:%M:%S} {self.result}"
