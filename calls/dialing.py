"""Placing one attempt: the body of the ``place_call`` task.

The attempt moves queued → dialing with a conditional update; a task delivered twice
finds no queued row and does nothing. The calling window, the agent's pause flag and its
concurrency limit are checked again at dial time, under a lock on the agent row.
"""
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agents.models import Agent
from calls.models import Call, CallAttempt
from calls.outcomes import record_outcome
from calls.outcomes_catalog import Outcome
from calls.providers import get_provider
from calls.providers.base import CallRequest, ProviderError
from calls.scheduling import dial_decision

logger = logging.getLogger(__name__)

# Seconds to wait before trying an attempt again when its agent is at its limit.
CONCURRENCY_RECHECK_SECONDS = 5
# The configured limit, for callers that import it; handle_start_error reads the setting
# at call time so that an override applies.
MAX_TRANSIENT_FAILURES = settings.MAX_TRANSIENT_FAILURES


def transient_backoff(failures: int) -> timedelta:
    """Delay before the next try after ``failures`` transient errors, jittered in its upper half."""
    base, cap = settings.TRANSIENT_BACKOFF_BASE, settings.TRANSIENT_BACKOFF_CAP
    ceiling = min(cap, base * 2 ** max(failures - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def _return_to_pending(attempt_id: int, when, reason: str) -> None:
    CallAttempt.objects.filter(pk=attempt_id, status=CallAttempt.Status.QUEUED).update(
        status=CallAttempt.Status.PENDING, scheduled_for=when, queued_at=None,
    )
    logger.info("attempt %s returned to pending until %s: %s", attempt_id, when.isoformat(), reason)


def _claim_for_dialing(attempt_id: int) -> tuple[CallAttempt, Agent] | None:
    """Move a queued attempt to dialing if the window, pause flag and limit allow it."""
    now = timezone.now()
    with transaction.atomic():
        attempt = CallAttempt.objects.select_related("call").filter(pk=attempt_id).first()
        if attempt is None:
            logger.warning("place_call: attempt %s does not exist", attempt_id)
            return None
        if attempt.status != CallAttempt.Status.QUEUED:
            logger.info("place_call: attempt %s is %s, not queued; nothing to do", attempt_id, attempt.status)
            return None

        # Locking the agent row makes the concurrency count and the claim one step. FOR NO KEY
        # UPDATE, because FOR UPDATE also waits for every open transaction that inserts a lead
        # or call referencing the agent (their foreign keys take FOR KEY SHARE locks).
        agent = Agent.objects.select_for_update(no_key=True).get(pk=attempt.call.agent_id)
        if agent.paused:
            _return_to_pending(attempt_id, attempt.scheduled_for, f"agent {agent.public_id} is paused")
            return None
        if not attempt.manual:
            decision = dial_decision(now, attempt.scheduled_for, attempt.call.call_policy)
            if not decision.dial:
                _return_to_pending(attempt_id, decision.reschedule_for, "outside the calling window")
                return None
        in_flight = CallAttempt.objects.filter(
            call__agent=agent, status__in=[CallAttempt.Status.DIALING, CallAttempt.Status.IN_PROGRESS],
        ).count()
        if in_flight >= agent.max_concurrent_calls:
            later = now + timedelta(seconds=CONCURRENCY_RECHECK_SECONDS * random.uniform(1, 2))
            _return_to_pending(attempt_id, later, f"agent {agent.public_id} has {in_flight} calls in flight")
            return None

        claimed = CallAttempt.objects.filter(pk=attempt_id, status=CallAttempt.Status.QUEUED).update(
            status=CallAttempt.Status.DIALING, started_at=now, provider=agent.provider,
        )
        if not claimed:
            return None
        Call.objects.filter(pk=attempt.call_id, status=Call.Status.SCHEDULED).update(status=Call.Status.IN_PROGRESS)
    return attempt, agent


def place_call(attempt_id: int) -> None:
    claimed = _claim_for_dialing(attempt_id)
    if claimed is None:
        return
    attempt, agent = claimed
    call = attempt.call
    request = CallRequest(attempt_id=attempt.pk, call_id=call.public_id, phone=call.phone, variables=call.variables)

    try:
        started = get_provider(agent.provider).start_call(agent, request)
    except ProviderError as error:
        handle_start_error(attempt.pk, error)
        return
    except Exception as error:  # noqa: BLE001 - an adapter bug must not leave the attempt dialing
        logger.exception("place_call: provider %s raised for attempt %s", agent.provider, attempt.pk)
        handle_start_error(attempt.pk, ProviderError(f"Unexpected provider error: {error}", permanent=False))
        return

    CallAttempt.objects.filter(pk=attempt.pk, status=CallAttempt.Status.DIALING).update(
        status=CallAttempt.Status.IN_PROGRESS, provider_call_id=started.provider_call_id,
    )
    # A fast provider may have reported the end already; keep its call id all the same.
    CallAttempt.objects.filter(pk=attempt.pk, provider_call_id="").update(provider_call_id=started.provider_call_id)
    logger.info("attempt %s of call %s placed: %s %s", attempt.pk, call.public_id, agent.provider, started.provider_call_id)


def handle_start_error(attempt_id: int, error: ProviderError) -> None:
    if error.permanent:
        logger.warning("attempt %s: provider rejected the call: %s", attempt_id, error.message)
        record_outcome(attempt_id, error.outcome or Outcome.FAILED, error=error.message, end_reason="start_failed")
        return

    attempt = CallAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return
    failures = attempt.transient_failures + 1
    if failures > settings.MAX_TRANSIENT_FAILURES:
        logger.warning("attempt %s: %s transient provider errors, giving up: %s", attempt_id, failures, error.message)
        record_outcome(attempt_id, Outcome.FAILED, error=error.message, end_reason="provider_unavailable")
        return

    retry_at = timezone.now() + transient_backoff(failures)
    updated = CallAttempt.objects.filter(pk=attempt_id, status=CallAttempt.Status.DIALING).update(
        status=CallAttempt.Status.PENDING, scheduled_for=retry_at, started_at=None,
        transient_failures=failures, error=error.message,
    )
    if updated:
        Call.objects.filter(pk=attempt.call_id, status=Call.Status.IN_PROGRESS).update(status=Call.Status.SCHEDULED)
    logger.warning(
        "attempt %s: transient provider error %s of %s, retrying at %s: %s",
        attempt_id, failures, settings.MAX_TRANSIENT_FAILURES, retry_at.isoformat(), error.message,
    )
