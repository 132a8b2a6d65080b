"""Turning one received lead into a call: checks, de-duplication and the first attempt."""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from agents.models import Agent
from agents.formats import FormatContext
from agents.variables import field_value, render_variables
from calls.models import Call, CallAttempt, Lead
from calls.phones import to_e164
from calls.policy import CallPolicy
from calls.scheduling import first_attempt_time
from integrations.leadsquared.resolving import lookup_needed, start_lookup

logger = logging.getLogger(__name__)

# Fields tried, after the agent's own `phone` variable, for the number to dial.
PHONE_FIELDS = ("Phone", "Mobile")
# An attempt due this close to now is queued at once instead of waiting for the dispatcher.
DUE_NOW_MARGIN = timedelta(seconds=1)


@dataclass
class IntakeResult:
    """The result for one lead, which becomes one entry of the webhook's JSON response."""

    status: str  # scheduled, resolving (missing fields looked up first), duplicate or rejected
    reason: str = ""
    call: Call | None = None
    first_attempt: CallAttempt | None = None
    lead_id: str = ""
    missing_fields: list[str] = field(default_factory=list)
    # Set when the first attempt is queued now; the caller enqueues it after commit.
    enqueue_now: bool = False

    def to_json(self) -> dict:
        body: dict = {"status": self.status}
        if self.lead_id:
            body["lead_id"] = self.lead_id
        if self.reason:
            body["reason"] = self.reason
        if self.call is not None:
            body["call_id"] = self.call.public_id
        if self.status in ("scheduled", "resolving") and self.call is not None:
            body["phone"] = self.call.phone
            if self.first_attempt is not None:
                body["scheduled_for"] = self.first_attempt.scheduled_for.astimezone(
                    _zone(self.call.call_policy.timezone)
                ).isoformat()
            body["attempts_allowed"] = self.call.call_policy.max_attempts
            if self.call.agent.paused:
                body["note"] = "The agent is paused: the call waits until it is resumed in the dashboard."
            if self.missing_fields:
                body["missing_fields"] = self.missing_fields
        return body


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def is_do_not_call(fields: dict) -> bool:
    value = field_value(fields, "DoNotCall")
    return value is not None and value.lower() in ("1", "true", "yes")


def choose_phone(mappings, fields: dict, default_region: str) -> tuple[str | None, list[str]]:
    """Return the E.164 number to dial and the raw values tried, in order of preference."""
    sources = [mapping.field for mapping in mappings if mapping.name == "phone"]
    sources += [name for name in PHONE_FIELDS if name not in sources]
    tried = []
    for name in sources:
        raw = field_value(fields, name)
        if raw is None:
            continue
        tried.append(f"{name}={raw!r}")
        number = to_e164(raw, default_region)
        if number:
            return number, tried
    return None, tried


def lead_key(crm_lead_id: str | None, phone: str) -> str:
    return crm_lead_id if crm_lead_id else f"phone:{phone}"


def accept_lead(
    agent: Agent, fields: dict, policy: CallPolicy, *, crm: str, crm_lead_id: str | None,
    received_at: datetime | None = None,
) -> IntakeResult:
    """Create the lead, its call and first attempt, or return why the lead is not called.

    Must run inside a transaction; the caller enqueues the first attempt on commit when
    ``enqueue_now`` is set.
    """
    received_at = received_at or timezone.now()
    mappings = list(agent.mappings.all())
    workspace = agent.workspace

    if is_do_not_call(fields):
        return IntakeResult("rejected", "do_not_call: the lead's DoNotCall field is set", lead_id=crm_lead_id or "")

    phone, tried = choose_phone(mappings, fields, workspace.default_region)
    if phone is None:
        detail = ", ".join(tried) if tried else "no Phone or Mobile field"
        return IntakeResult(
            "rejected",
            f"no_valid_phone: no valid phone number for region {workspace.default_region} ({detail})",
            lead_id=crm_lead_id or "",
        )

    rendered = render_variables(
        mappings, fields, FormatContext(timezone=policy.timezone, region=workspace.default_region),
    )
    lead = Lead.objects.create_unless_received(
        workspace=workspace, agent=agent, crm=crm, external_id=lead_key(crm_lead_id, phone),
        fields=fields, received_at=received_at,
    )
    if lead is None:
        existing = Call.objects.filter(agent=agent, lead__crm=crm, lead__external_id=lead_key(crm_lead_id, phone)).first()
        return IntakeResult(
            "duplicate", "duplicate: this lead was already received for this agent",
            call=existing, lead_id=crm_lead_id or "",
        )

    resolving = lookup_needed(workspace, crm, crm_lead_id, rendered.missing_fields)
    call = Call.objects.create(
        workspace=workspace, agent=agent, lead=lead, phone=phone, variables=rendered.values,
        policy=policy.to_json(), missing_fields=rendered.missing_fields,
        status=Call.Status.RESOLVING if resolving else Call.Status.SCHEDULED,
    )
    if resolving:
        # No attempt yet: the lookup fills the variables, then schedules the first attempt.
        start_lookup(call)
        return IntakeResult(
            "resolving", f"resolving: looking up {', '.join(rendered.missing_fields)} in LeadSquared", call=call,
            lead_id=crm_lead_id or "", missing_fields=rendered.missing_fields,
        )
    first_at = first_attempt_time(received_at, policy)
    due_now = first_at <= timezone.now() + DUE_NOW_MARGIN
    attempt = CallAttempt.objects.create(
        call=call, number=1, scheduled_for=first_at,
        status=CallAttempt.Status.QUEUED if due_now else CallAttempt.Status.PENDING,
        queued_at=timezone.now() if due_now else None,
    )
    logger.info(
        "call %s scheduled for agent %s at %s (lead %s)", call.public_id, agent.public_id, first_at.isoformat(), lead.pk,
    )
    return IntakeResult(
        "scheduled", call=call, first_attempt=attempt, lead_id=crm_lead_id or "",
        missing_fields=rendered.missing_fields, enqueue_now=due_now,
    )
