"""The dispatcher: run by celery beat every few seconds, it turns due rows into tasks.

It claims pending attempts due within the horizon with ``SELECT … FOR UPDATE SKIP
LOCKED`` (a compare-and-set per row where the database lacks it), marks them queued and
enqueues ``place_call`` after commit, with an ETA no further ahead than the horizon.
It also recovers attempts whose task was lost or whose worker died.
"""
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from calls.models import CallAttempt
from calls.outcomes import record_outcome
from calls.outcomes_catalog import Outcome
from calls.providers import PROVIDERS, get_provider
from integrations.leadsquared.recovery import recover_leadsquared_work

logger = logging.getLogger(__name__)

Status = CallAttempt.Status
# The wait before re-sending a lost place_call doubles at most this many times.
MAX_RESEND_DOUBLINGS = 5


def _lock_skipping(queryset):
    """Lock the selected rows, skipping rows another dispatcher holds (PostgreSQL)."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


def claim_due_attempts(now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """Mark up to ``limit`` due pending attempts queued; return their ids and due times."""
    horizon = now + timedelta(seconds=settings.DISPATCH_HORIZON)
    due = (
        CallAttempt.objects.filter(status=Status.PENDING, scheduled_for__lte=horizon, call__agent__paused=False)
        .order_by("scheduled_for")
        .values_list("id", "scheduled_for")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            rows = list(_lock_skipping(due)[:limit])
            CallAttempt.objects.filter(id__in=[row[0] for row in rows]).update(
                status=Status.QUEUED, queued_at=now, resends=0,
            )
            return rows

        claimed = []
        for attempt_id, scheduled_for in due[:limit]:
            won = CallAttempt.objects.filter(pk=attempt_id, status=Status.PENDING).update(
                status=Status.QUEUED, queued_at=now, resends=0,
            )
            if won:
                claimed.append((attempt_id, scheduled_for))
        return claimed


def resend_due(now: datetime) -> Q:
    """Return a filter for queued attempts whose last send is older than their backoff.

    The wait is QUEUED_TIMEOUT after the first send and doubles with each re-send, up to
    2**MAX_RESEND_DOUBLINGS times. When workers fall behind, a task can wait in the queue
    longer than QUEUED_TIMEOUT without being lost. A fixed wait would then add a duplicate
    of every queued attempt each QUEUED_TIMEOUT, so the backlog would keep growing.
    """
    timeout = settings.QUEUED_TIMEOUT
    due = Q(resends__gte=MAX_RESEND_DOUBLINGS, queued_at__lt=now - timedelta(seconds=timeout * 2**MAX_RESEND_DOUBLINGS))
    for resends in range(MAX_RESEND_DOUBLINGS):
        due |= Q(resends=resends, queued_at__lt=now - timedelta(seconds=timeout * 2**resends))
    return due


def requeue_stale_queued(now: datetime, limit: int) -> list[int]:
    """Claim again queued attempts whose task never ran (lost by the broker or a worker)."""
    cutoff = now - timedelta(seconds=settings.QUEUED_TIMEOUT)
    stale = CallAttempt.objects.filter(resend_due(now), status=Status.QUEUED, scheduled_for__lt=cutoff)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            ids = list(_lock_skipping(stale.values_list("id", flat=True))[:limit])
        else:
            ids = list(stale.values_list("id", flat=True)[:limit])
        CallAttempt.objects.filter(id__in=ids, status=Status.QUEUED).update(queued_at=now, resends=F("resends") + 1)
    if ids:
        logger.warning("re-enqueueing %s queued attempts whose task did not run: %s", len(ids), ids[:20])
    return ids


def close_interrupted_dials(now: datetime, limit: int) -> int:
    """End attempts stuck in dialing as an unknown failure, so retry gaps still apply.

    A worker that died inside start_call may or may not have rung the lead; dialling again
    at once could call twice, so the attempt ends as failed and waits for its retry gap.
    """
    cutoff = now - timedelta(seconds=settings.DIALING_TIMEOUT)
    stuck = list(
        CallAttempt.objects.filter(status=Status.DIALING, started_at__lt=cutoff).values_list("id", flat=True)[:limit]
    )
    closed = 0
    for attempt_id in stuck:
        closed += record_outcome(
            attempt_id, Outcome.FAILED, end_reason="dial_interrupted",
            error="The worker stopped while dialing, so whether the phone rang is unknown.",
        )
    if closed:
        logger.warning("closed %s attempts interrupted while dialing", closed)
    return closed


def poll_silent_calls(now: datetime, limit: int) -> list[int]:
    """Pick in-progress attempts whose callback is overdue, for the polling fallback."""
    polled = []
    for name in PROVIDERS:
        timeout = get_provider(name).callback_timeout or settings.CALLBACK_TIMEOUT
        cutoff = now - timedelta(seconds=timeout)
        # Ask again once per timeout, capped at 10 minutes and at least a minute apart.
        repoll_cutoff = now - timedelta(seconds=max(60.0, min(timeout, 600.0)))
        overdue = CallAttempt.objects.filter(status=Status.IN_PROGRESS, provider=name, started_at__lt=cutoff).exclude(
            polled_at__gte=repoll_cutoff,
        )
        ids = list(overdue.values_list("id", flat=True)[:limit])
        for attempt_id in ids:
            won = CallAttempt.objects.filter(pk=attempt_id).exclude(polled_at__gte=repoll_cutoff).update(polled_at=now)
            if won:
                polled.append(attempt_id)
    return polled


def run_dispatcher() -> dict:
    from calls.tasks import enqueue_place_call, poll_call

    now = timezone.now()
    limit = settings.DISPATCH_BATCH_SIZE

    claimed = claim_due_attempts(now, limit)
    for attempt_id, scheduled_for in claimed:
        enqueue_place_call(attempt_id, eta=scheduled_for)

    requeued = requeue_stale_queued(now, limit)
    unsent = [attempt_id for attempt_id in requeued if not enqueue_place_call(attempt_id)]
    if unsent:
        # Nothing reached the queue (the broker is down), so these sends add no duplicate
        # and must not lengthen the next wait.
        CallAttempt.objects.filter(id__in=unsent, resends__gt=0).update(resends=F("resends") - 1)

    interrupted = close_interrupted_dials(now, limit)

    polled = poll_silent_calls(now, limit)
    for attempt_id in polled:
        try:
            poll_call.delay(attempt_id)
        except Exception as error:  # noqa: BLE001 - the next run picks it up again
            logger.warning("could not enqueue poll_call for attempt %s: %s", attempt_id, error)

    return {"claimed": len(claimed), "requeued": len(requeued), "interrupted": interrupted, "polled": len(polled), **recover_leadsquared_work(now, limit)}
