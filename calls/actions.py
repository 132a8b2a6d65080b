"""Operator actions on a call: cancel, call now, mark an attempt failed.

The dashboard calls these; they change rows through the same conditional updates and
outcome rules the workers use.
"""
import logging

from django.db import transaction
from django.utils import timezone

from calls.models import Call, CallAttempt
from calls.outcomes import plan_after_outcome, record_outcome
from calls.outcomes_catalog import Outcome

logger = logging.getLogger(__name__)


class ActionError(Exception):
    """The action does not apply to the call in its current state. The message explains why."""


def cancel_pending_attempts(call: Call) -> int:
    """Cancel every attempt not yet dialling and end the call as canceled."""
    with transaction.atomic():
        canceled = CallAttempt.objects.filter(
            call=call, status__in=[CallAttempt.Status.PENDING, CallAttempt.Status.QUEUED],
        ).update(status=CallAttempt.Status.CANCELED, outcome=Outcome.CANCELED, ended_at=timezone.now())
        if not canceled and call.is_final:
            raise ActionError("This call has no pending attempts to cancel.")
        Call.objects.filter(pk=call.pk).exclude(status__in=Call.FINAL_STATUSES).update(
            status=Call.Status.CANCELED, outcome=Outcome.CANCELED,
        )
    logger.info("call %s canceled, %s pending attempts", call.public_id, canceled)
    return canceled


def call_now(call: Call) -> CallAttempt:
    """Dial the call at once, inside or outside its window.

    A pending attempt is moved to now; a call that has ended gets one extra attempt.
    """
    from calls.tasks import enqueue_place_call

    now = timezone.now()
    with transaction.atomic():
        pending = call.attempts.filter(status=CallAttempt.Status.PENDING).order_by("number").first()
        if pending is not None:
            CallAttempt.objects.filter(pk=pending.pk, status=CallAttempt.Status.PENDING).update(
                status=CallAttempt.Status.QUEUED, scheduled_for=now, queued_at=now, manual=True, resends=0,
            )
            attempt = pending
        else:
            if call.attempts.filter(status__in=CallAttempt.ACTIVE_STATUSES).exists():
                raise ActionError("An attempt of this call is already dialling or in progress.")
            last = call.attempts.order_by("-number").first()
            attempt = CallAttempt.objects.create(
                call=call, number=(last.number if last else 0) + 1, scheduled_for=now,
                status=CallAttempt.Status.QUEUED, queued_at=now, manual=True,
            )
            Call.objects.filter(pk=call.pk).update(status=Call.Status.SCHEDULED)
        transaction.on_commit(lambda: enqueue_place_call(attempt.pk))
    logger.info("call %s: attempt %s queued by Call now", call.public_id, attempt.number)
    return attempt


def mark_attempt_failed(attempt: CallAttempt) -> None:
    """Record ``attempt`` as failed, as if the provider had reported it, to exercise retries.

    An attempt in progress ends as failed. The latest attempt that already ended with
    another outcome is changed to failed, and the retry rules run again for it.
    """
    note = "Marked as failed from the dashboard."
    if attempt.status in (CallAttempt.Status.DIALING, CallAttempt.Status.IN_PROGRESS):
        if record_outcome(attempt.pk, Outcome.FAILED, error=note, end_reason="marked_failed"):
            return
        attempt.refresh_from_db()

    if attempt.status != CallAttempt.Status.ENDED:
        raise ActionError("Only an attempt that is in progress or has ended can be marked as failed.")
    if attempt.outcome == Outcome.FAILED:
        raise ActionError("This attempt is already marked as failed.")
    if attempt.call.attempts.filter(number__gt=attempt.number).exists():
        raise ActionError("Only the latest attempt of a call can be marked as failed.")

    with transaction.atomic():
        changed = CallAttempt.objects.filter(pk=attempt.pk, status=CallAttempt.Status.ENDED, outcome=attempt.outcome).update(
            outcome=Outcome.FAILED, error=note, end_reason="marked_failed",
        )
        if not changed:
            raise ActionError("The attempt changed meanwhile; reload the page.")
        attempt = CallAttempt.objects.select_related("call").get(pk=attempt.pk)
        plan_after_outcome(attempt, timezone.now())
    logger.info("attempt %s of call %s marked as failed", attempt.number, attempt.call.public_id)
