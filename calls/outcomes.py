"""Recording call outcomes and planning the next attempt.

Provider callbacks, the simulator, the polling fallback, recovery and the dashboard's
"Mark attempt as failed" all end attempts through ``record_outcome``, so one set of rules
decides retries. The first final outcome of an attempt wins; later events only fill in
data still missing (transcript, summary, recording).
"""
import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from calls.models import Call, CallAttempt
from calls.outcomes_catalog import Outcome
from calls.providers.base import CallEvent
from calls.scheduling import retry_time
from calls.signals import attempt_ended

logger = logging.getLogger(__name__)

def find_attempt(provider_name: str, event: CallEvent) -> CallAttempt | None:
    attempts = CallAttempt.objects.select_related("call")
    if event.attempt_id is not None:
        attempt = attempts.filter(pk=event.attempt_id).first()
        if attempt is not None and attempt.provider in ("", provider_name):
            return attempt
    if event.provider_call_id:
        return attempts.filter(provider=provider_name, provider_call_id=event.provider_call_id).first()
    return None


def handle_event(provider_name: str, event: CallEvent) -> CallAttempt | None:
    """Apply one provider event to its attempt; return the attempt, or None if unknown."""
    attempt = find_attempt(provider_name, event)
    if attempt is None:
        logger.warning(
            "event for unknown call: provider=%s provider_call_id=%s attempt_id=%s",
            provider_name, event.provider_call_id, event.attempt_id,
        )
        return None

    if event.provider_call_id:
        CallAttempt.objects.filter(pk=attempt.pk, provider_call_id="").update(
            provider_call_id=event.provider_call_id,
        )
    if event.outcome:
        record_outcome(
            attempt.pk, event.outcome,
            end_reason=event.end_reason, duration_seconds=event.duration_seconds,
            transcript=event.transcript, summary=event.summary,
            recording_url=event.recording_url, raw=event.raw,
        )
    else:
        store_late_details(attempt.pk, event.transcript, event.summary, event.recording_url)
    return attempt


def store_late_details(attempt_id: int, transcript: str = "", summary: str = "", recording_url: str = "") -> None:
    """Fill in data an earlier event did not carry; never overwrite what is stored."""
    values = {"transcript": transcript, "summary": summary, "recording_url": recording_url}
    for name, value in values.items():
        if value:
            CallAttempt.objects.filter(pk=attempt_id, **{name: ""}).update(**{name: value})


def record_outcome(
    attempt_id: int,
    outcome: str,
    *,
    end_reason: str = "",
    duration_seconds: float | None = None,
    transcript: str = "",
    summary: str = "",
    recording_url: str = "",
    error: str = "",
    raw: dict | None = None,
) -> bool:
    """End a dialing or in-progress attempt with ``outcome`` and plan what follows.

    Returns False, changing only missing details, when the attempt had already ended.
    """
    now = timezone.now()
    with transaction.atomic():
        changes = {
            "status": CallAttempt.Status.ENDED, "outcome": outcome, "ended_at": now,
            "end_reason": end_reason[:120], "duration_seconds": duration_seconds, "error": error,
        }
        # Details an earlier event (an analysis before the end) stored are kept.
        details = {"transcript": transcript, "summary": summary, "recording_url": recording_url, "provider_data": raw}
        changes.update({name: value for name, value in details.items() if value})
        ended = CallAttempt.objects.filter(
            pk=attempt_id, status__in=[CallAttempt.Status.DIALING, CallAttempt.Status.IN_PROGRESS],
        ).update(**changes)
        if not ended:
            logger.info("attempt %s already ended; outcome %s kept only as late details", attempt_id, outcome)
            store_late_details(attempt_id, transcript, summary, recording_url)
            return False

        attempt = CallAttempt.objects.select_related("call").get(pk=attempt_id)
        call_ended = plan_after_outcome(attempt, now) is None

    logger.info("attempt %s of call %s ended: %s", attempt_id, attempt.call.public_id, outcome)
    transaction.on_commit(
        lambda: attempt_ended.send(sender=CallAttempt, attempt_id=attempt_id, call_ended=call_ended),
    )
    return True


def plan_after_outcome(attempt: CallAttempt, recorded_at: datetime) -> CallAttempt | None:
    """Schedule the next attempt when the rules allow one, else end the call.

    Must run inside the transaction that ended ``attempt``. Returns the next attempt.
    """
    call = attempt.call
    policy = call.call_policy
    retry_allowed = (
        attempt.outcome in policy.retry_on
        and attempt.number < policy.max_attempts
        and call.status != Call.Status.CANCELED
    )
    if not retry_allowed:
        end_call(call, attempt.outcome)
        return None

    next_attempt = _create_next_attempt(attempt, retry_time(recorded_at, attempt.number, policy))
    # A call that had ended (completed, then marked failed from the dashboard) opens again.
    Call.objects.filter(pk=call.pk).exclude(status=Call.Status.CANCELED).update(
        status=Call.Status.SCHEDULED, outcome=attempt.outcome,
    )
    return next_attempt


def _create_next_attempt(attempt: CallAttempt, due: datetime) -> CallAttempt:
    try:
        with transaction.atomic():
            return CallAttempt.objects.create(call=attempt.call, number=attempt.number + 1, scheduled_for=due)
    except IntegrityError:
        # Planned already by a concurrent event for the same attempt.
        return CallAttempt.objects.get(call=attempt.call, number=attempt.number + 1)


def end_call(call: Call, outcome: str) -> None:
    if outcome == Outcome.COMPLETED:
        status = Call.Status.COMPLETED
    elif outcome == Outcome.CANCELED:
        status = Call.Status.CANCELED
    else:
        status = Call.Status.NOT_REACHED
    Call.objects.filter(pk=call.pk).exclude(status=Call.Status.CANCELED).update(status=status, outcome=outcome)
