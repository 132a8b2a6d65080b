"""Completing a lead from LeadSquared before its call is scheduled.

LeadSquared's "Lead created" webhook carries only the fields that had values at creation,
and automation bodies can be partial. When a lead lacks a field the agent maps and the
workspace has a working connection, intake creates the call in ``resolving`` with no
attempt and a ``LeadLookup`` row. The lookup fetches the lead with Leads.GetById, fills
the missing fields, and creates the first attempt by the usual scheduling rules. When
LeadSquared stays unreachable, the lookup is retried with backoff. After the last try the
call goes ahead with the fields it has, and the delivery log names the missing ones.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agents.variables import field_value, render_variables
from calls.models import Call, CallAttempt, Lead
from calls.outcomes_catalog import Outcome
from calls.scheduling import first_attempt_time
from integrations.leadsquared.client import retry_delay
from integrations.leadsquared.errors import LeadSquaredError, RateLimited
from integrations.models import LeadLookup, LeadSquaredConnection

logger = logging.getLogger(__name__)

Status = LeadLookup.Status
# An attempt due this close to now is queued at once (the same margin intake uses).
DUE_NOW_MARGIN = timedelta(seconds=1)
# A task may run this early for its lookup (countdowns and clocks are not exact).
EARLY_MARGIN = timedelta(seconds=2)
# Seconds a lookup waits in the worker for a rate-limiter slot before it is rescheduled.
LIMITER_WAIT = 2.0


def lookup_needed(workspace, crm: str, crm_lead_id: str | None, missing_fields: list[str]) -> bool:
    """True when a lead lacking ``missing_fields`` can be completed from a connected LeadSquared."""
    if not missing_fields or crm != "leadsquared" or not crm_lead_id:
        return False
    return LeadSquaredConnection.objects.filter(
        workspace=workspace, status=LeadSquaredConnection.Status.CONNECTED,
    ).exists()


def start_lookup(call: Call) -> LeadLookup:
    """Create the lookup of a resolving call and enqueue it once the transaction commits."""
    lookup = LeadLookup.objects.create(call=call)
    transaction.on_commit(lambda: enqueue_lookup(lookup.pk))
    logger.info("call %s resolving: looking up missing fields %s", call.public_id, call.missing_fields)
    return lookup


def enqueue_lookup(lookup_id: int, countdown: float | None = None) -> bool:
    """Send the lookup task; False when the broker is unreachable (the recovery sends it later)."""
    from integrations.leadsquared.tasks import lookup_lead

    try:
        lookup_lead.apply_async((lookup_id,), countdown=countdown)
    except Exception as error:  # noqa: BLE001 - kombu raises many types for a broker outage
        logger.warning("could not enqueue lookup %s, recovery will retry: %s", lookup_id, error)
        return False
    return True


def run_lookup(lookup_id: int) -> None:
    """Body of the lookup task: claim the lookup, fetch the lead, schedule the call."""
    from integrations.leadsquared.connection import client_for, mark_unauthorized

    now = timezone.now()
    claimed = LeadLookup.objects.filter(pk=lookup_id, status=Status.PENDING, next_try_at__lte=now + EARLY_MARGIN).update(
        status=Status.RUNNING, started_at=now, tries=F("tries") + 1,
    )
    if not claimed:
        logger.info("lookup %s is not due or not pending; nothing to do", lookup_id)
        return
    lookup = LeadLookup.objects.select_related("call__lead", "call__agent").get(pk=lookup_id)
    call = lookup.call
    if call.status != Call.Status.RESOLVING:
        _finish(lookup, f"the call was already {call.status}")
        return

    connection = LeadSquaredConnection.objects.filter(workspace_id=call.workspace_id).first()
    if connection is None:
        schedule_call(lookup, None, "the LeadSquared connection was removed, so the lead was not looked up")
        return
    try:
        fetched = client_for(connection, limiter_wait=LIMITER_WAIT).lead_by_id(call.lead.external_id)
    except RateLimited as error:
        # Waiting for this workspace's request budget is not a failed try.
        _retry_later(lookup, error, count_try=False)
        return
    except LeadSquaredError as error:
        if error.unauthorized:
            mark_unauthorized(connection, error.message)
        if error.retryable and lookup.tries < settings.LEADSQUARED_LOOKUP_TRIES:
            _retry_later(lookup, error)
            return
        schedule_call(lookup, None, f"the LeadSquared lookup failed after {lookup.tries} tries: {error.message}")
        return

    if fetched is None:
        schedule_call(lookup, None, f"LeadSquared has no lead with id {call.lead.external_id}")
        return
    schedule_call(lookup, fetched, "")


def _retry_later(lookup: LeadLookup, error: LeadSquaredError, *, count_try: bool = True) -> None:
    delay = error.retry_after if error.retry_after is not None else retry_delay(lookup.tries)
    retry_at = timezone.now() + timedelta(seconds=delay)
    LeadLookup.objects.filter(pk=lookup.pk, status=Status.RUNNING).update(
        status=Status.PENDING, next_try_at=retry_at, last_error=error.message,
        tries=F("tries") if count_try else F("tries") - 1,
    )
    logger.warning(
        "lookup %s of call %s: try %s of %s failed, retrying at %s: %s",
        lookup.pk, lookup.call.public_id, lookup.tries, settings.LEADSQUARED_LOOKUP_TRIES, retry_at.isoformat(), error.message,
    )
    enqueue_lookup(lookup.pk, countdown=delay)


def merge_fields(webhook_fields: dict, fetched: dict | None) -> dict:
    """Add LeadSquared's values for fields the webhook body lacked or left empty; keep the rest."""
    merged = dict(webhook_fields)
    for name, value in (fetched or {}).items():
        if value is not None and field_value(merged, name) is None:
            merged[name] = value
    return merged


def schedule_call(lookup: LeadLookup, fetched: dict | None, problem: str) -> None:
    """Fill the call's variables and create its first attempt, moving it resolving → scheduled.

    ``problem`` is why the lead could not be fetched. The call then goes ahead with the
    webhook's fields, and the delivery log names the missing ones.
    """
    from calls.intake import is_do_not_call
    from calls.tasks import enqueue_place_call

    call = lookup.call
    lead = call.lead
    merged = merge_fields(lead.fields, fetched)
    rendered = render_variables(list(call.agent.mappings.all()), merged)
    now = timezone.now()

    with transaction.atomic():
        if fetched is not None and is_do_not_call(fetched):
            canceled = Call.objects.filter(pk=call.pk, status=Call.Status.RESOLVING).update(
                status=Call.Status.CANCELED, outcome=Outcome.CANCELED,
            )
            _finish(lookup, "do_not_call: the lead's DoNotCall field is set in LeadSquared")
            if canceled:
                note_in_delivery_log(call, "not called, because the lead's DoNotCall field is set in LeadSquared")
            return

        won = Call.objects.filter(pk=call.pk, status=Call.Status.RESOLVING).update(
            status=Call.Status.SCHEDULED, variables=rendered.values, missing_fields=rendered.missing_fields,
        )
        if not won:
            _finish(lookup, "the call left resolving before the lookup finished")
            return
        Lead.objects.filter(pk=lead.pk).update(fields=merged)
        first_at = first_attempt_time(lead.received_at, call.call_policy)
        due_now = first_at <= now + DUE_NOW_MARGIN
        attempt = CallAttempt.objects.create(
            call=call, number=1, scheduled_for=first_at,
            status=CallAttempt.Status.QUEUED if due_now else CallAttempt.Status.PENDING,
            queued_at=now if due_now else None,
        )
        _finish(lookup, problem)
        if due_now:
            transaction.on_commit(lambda: enqueue_place_call(attempt.pk))

    logger.info(
        "call %s scheduled for %s after lookup %s (still missing: %s)",
        call.public_id, first_at.isoformat(), lookup.pk, rendered.missing_fields,
    )
    if problem:
        missing = ", ".join(rendered.missing_fields) or "none"
        note_in_delivery_log(call, f"scheduled without the fields {missing}, because {problem}")
    elif rendered.missing_fields:
        note_in_delivery_log(
            call, f"scheduled; LeadSquared has no value for {', '.join(rendered.missing_fields)} either, so defaults are used",
        )


def _finish(lookup: LeadLookup, note: str) -> None:
    LeadLookup.objects.filter(pk=lookup.pk).update(status=Status.DONE, finished_at=timezone.now(), last_error=note)


def note_in_delivery_log(call: Call, text: str) -> None:
    """Append ``text`` to the reason of the webhook delivery that created ``call``."""
    from webhooks.models import WebhookDelivery

    delivery = WebhookDelivery.objects.filter(first_call=call).first()
    if delivery is None:
        # A delivery of several leads links only its first call, so find this call's id in the response.
        received = call.lead.received_at
        nearby = WebhookDelivery.objects.filter(
            agent_id=call.agent_id, received_at__gte=received - timedelta(minutes=5), received_at__lte=received + timedelta(minutes=5),
        )[:50]
        delivery = next((row for row in nearby if call.public_id in str(row.response)), None)
    if delivery is None:
        logger.info("call %s: no delivery to note %r in", call.public_id, text)
        return
    line = f"{call.public_id}: {text}"
    reason = f"{delivery.reason}; {line}" if delivery.reason else line
    WebhookDelivery.objects.filter(pk=delivery.pk).update(reason=reason)
