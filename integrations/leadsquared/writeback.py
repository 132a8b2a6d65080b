"""Writing call results back to LeadSquared: one activity per ended attempt, never two.

``on_attempt_ended`` receives ``calls.signals.attempt_ended`` (sent after the outcome's
transaction commits) and, for a lead that came from LeadSquared in a workspace with a
connection, creates the attempt's ``WriteBack`` row and enqueues ``send_write_back`` on the
write-back queue. A one-to-one key on the attempt makes a second signal a no-op.

``send`` claims the row (pending → sending) with a conditional update, so a task delivered
twice posts once. LeadSquared has no idempotency key, so a request sent without a response
(timeout, dropped connection) becomes ``unknown`` and is not posted again automatically.
Responses 429 and 5xx, the local rate limiter and failed connections put the row back to
pending with a backoff. The task then runs again later, so no worker is blocked for long.
"""
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from calls.models import CallAttempt
from integrations.leadsquared import ratelimit
from integrations.leadsquared.activity import activity_body
from integrations.leadsquared.client import retry_delay
from integrations.leadsquared.errors import LeadSquaredError, RateLimited
from integrations.models import LeadSquaredConnection, WriteBack

logger = logging.getLogger(__name__)

Status = WriteBack.Status
# Seconds a write-back waits in the worker for a rate-limiter slot before it is rescheduled.
LIMITER_WAIT = 1.0
# A task may run this early for its row (countdowns and clocks are not exact).
EARLY_MARGIN = timedelta(seconds=2)


def on_attempt_ended(sender, attempt_id: int, call_ended: bool, **kwargs) -> None:
    """Receiver of ``attempt_ended``: plan and enqueue the attempt's write-back."""
    try:
        write_back = plan_write_back(attempt_id, call_ended)
    except Exception:  # noqa: BLE001 - a write-back problem must not break outcome recording
        logger.exception("could not plan the LeadSquared write-back of attempt %s", attempt_id)
        return
    if write_back is not None:
        enqueue_write_back(write_back.pk)


def plan_write_back(attempt_id: int, call_ended: bool) -> WriteBack | None:
    """Create the attempt's WriteBack row when its lead came from LeadSquared; None otherwise."""
    attempt = CallAttempt.objects.select_related("call__lead").filter(pk=attempt_id).first()
    if attempt is None:
        return None
    lead = attempt.call.lead
    if lead.crm != "leadsquared" or lead.external_id.startswith("phone:"):
        return None
    if not LeadSquaredConnection.objects.filter(workspace_id=attempt.call.workspace_id).exists():
        return None

    write_back, created = WriteBack.objects.get_or_create(
        attempt=attempt,
        defaults={"workspace_id": attempt.call.workspace_id, "prospect_id": lead.external_id, "call_ended": call_ended},
    )
    if not created:
        logger.info("attempt %s already has write-back %s; not planned again", attempt_id, write_back.pk)
        return None
    return write_back


def enqueue_write_back(write_back_id: int, countdown: float | None = None) -> bool:
    """Send the write-back task; False when the broker is unreachable (the recovery sends it later)."""
    from integrations.leadsquared.tasks import send_write_back

    try:
        send_write_back.apply_async((write_back_id,), countdown=countdown)
    except Exception as error:  # noqa: BLE001 - kombu raises many types for a broker outage
        logger.warning("could not enqueue write-back %s, recovery will retry: %s", write_back_id, error)
        return False
    return True


def send(write_back_id: int) -> None:
    """Body of the write-back task: claim the row, post the activity, record what happened."""
    from integrations.leadsquared.connection import client_for, mark_unauthorized

    now = timezone.now()
    claimed = WriteBack.objects.filter(pk=write_back_id, status=Status.PENDING, next_try_at__lte=now + EARLY_MARGIN).update(
        status=Status.SENDING, claimed_at=now, tries=F("tries") + 1,
    )
    if not claimed:
        logger.info("write-back %s is not due or not pending; nothing to do", write_back_id)
        return
    write_back = WriteBack.objects.select_related("attempt__call").get(pk=write_back_id)

    connection = LeadSquaredConnection.objects.filter(workspace_id=write_back.workspace_id).first()
    if connection is None:
        _fail(write_back, "The LeadSquared connection was removed, so the result was not written back.")
        return
    if connection.status in (LeadSquaredConnection.Status.UNCHECKED, LeadSquaredConnection.Status.INVALID):
        # Requests with keys that never worked, or stopped working, would only fail with 401.
        _fail(
            write_back,
            f"The LeadSquared connection is {connection.get_status_display().lower()}, so the result was not "
            "written back. Check the keys and use Test connection under Integrations → LeadSquared.",
        )
        return
    if not connection.activity_event_code:
        _fail(
            write_back,
            "No activity type is set for call results. Choose an existing activity type or create one "
            "under Integrations → LeadSquared.",
        )
        return

    body = activity_body(write_back.attempt, connection.activity_event_code, write_back.prospect_id, write_back.call_ended)
    WriteBack.objects.filter(pk=write_back.pk, status=Status.SENDING).update(request_body=body)
    try:
        activity_id = client_for(connection, limiter_wait=LIMITER_WAIT).create_activity(body)
    except RateLimited as error:
        # Waiting for this workspace's request budget is not a failed try.
        _retry_later(write_back, error, count_try=False)
        return
    except LeadSquaredError as error:
        _handle_error(write_back, error, connection, mark_unauthorized)
        return

    WriteBack.objects.filter(pk=write_back.pk, status=Status.SENDING).update(
        status=Status.SENT, activity_id=activity_id, sent_at=timezone.now(), last_error="",
    )
    logger.info("write-back %s of attempt %s sent: activity %s", write_back.pk, write_back.attempt_id, activity_id)


def _handle_error(write_back: WriteBack, error: LeadSquaredError, connection, mark_unauthorized) -> None:
    if error.unauthorized:
        mark_unauthorized(connection, error.message)
    answered = error.status_code is not None
    if error.retryable and error.sent and not answered:
        # The request went out and no response came back, so LeadSquared may have created the activity.
        updated = WriteBack.objects.filter(pk=write_back.pk, status=Status.SENDING).update(
            status=Status.UNKNOWN,
            last_error=f"{error.message} Whether LeadSquared created the activity is unknown, so it is not posted again.",
        )
        if updated:
            logger.warning("write-back %s: result unknown, not re-posted: %s", write_back.pk, error.message)
        return
    if error.retryable and write_back.tries < settings.LEADSQUARED_WRITE_BACK_TRIES:
        _retry_later(write_back, error)
        return
    tries_note = f" (after {write_back.tries} tries)" if error.retryable else ""
    _fail(write_back, error.message + tries_note)


def _retry_later(write_back: WriteBack, error: LeadSquaredError, *, count_try: bool = True) -> None:
    delay = error.retry_after if error.retry_after is not None else retry_delay(write_back.tries)
    if not count_try:
        delay += backlog_spread(write_back.workspace_id)
    retry_at = timezone.now() + timedelta(seconds=delay)
    WriteBack.objects.filter(pk=write_back.pk, status=Status.SENDING).update(
        status=Status.PENDING, next_try_at=retry_at, claimed_at=None, last_error=error.message,
        tries=F("tries") if count_try else F("tries") - 1,
    )
    logger.info("write-back %s: retrying at %s: %s", write_back.pk, retry_at.isoformat(), error.message)
    enqueue_write_back(write_back.pk, countdown=delay)


def backlog_spread(workspace_id: int) -> float:
    """Return a random extra delay for a write-back that found no free rate-limit slot.

    The delay is spread over the time the workspace's backlog needs at its rate limit. Each
    waiting row is then resent about once, rather than once for every freed slot, and every
    resend is one more broker message.
    """
    backlog = WriteBack.objects.filter(workspace_id=workspace_id, status__in=[Status.PENDING, Status.SENDING]).count()
    drain_seconds = backlog / ratelimit.limit() * ratelimit.window_seconds()
    return random.uniform(0, max(drain_seconds, ratelimit.window_seconds() / 2))


def _fail(write_back: WriteBack, message: str) -> None:
    WriteBack.objects.filter(pk=write_back.pk, status=Status.SENDING).update(status=Status.FAILED, last_error=message)
    logger.warning("write-back %s of attempt %s failed: %s", write_back.pk, write_back.attempt_id, message)
