"""Recovery of LeadSquared work whose task was lost, run by the dispatcher on every tick.

- a lookup or write-back still pending well after its ``next_try_at`` is enqueued again;
- a lookup left running by a worker that died is put back to pending (a lookup only reads);
- a write-back left sending by a worker that died becomes ``unknown`` and is not posted
  again, because the activity may have been created.

A resolving call always has its lookup row, because intake creates both in one transaction,
so recovering the lookups recovers the calls stuck in resolving.
"""
import logging
from datetime import datetime, timedelta

from django.conf import settings

from integrations.models import LeadLookup, WriteBack

logger = logging.getLogger(__name__)

# Seconds past its due time after which pending work counts as lost.
LOST_AFTER = 60.0


def _stuck_after() -> timedelta:
    """Return how long a claimed task may run before it counts as stuck: twice a request, at least 2 min."""
    request_seconds = settings.LEADSQUARED_CONNECT_TIMEOUT + settings.LEADSQUARED_READ_TIMEOUT
    return timedelta(seconds=max(120.0, 2 * (request_seconds + 10.0)))


def _requeue(model, now: datetime, limit: int) -> list[int]:
    cutoff = now - timedelta(seconds=LOST_AFTER)
    ids = list(model.objects.filter(status="pending", next_try_at__lt=cutoff).values_list("id", flat=True)[:limit])
    if ids:
        # Moving next_try_at to now keeps the next tick from enqueueing the same rows again.
        model.objects.filter(id__in=ids, status="pending").update(next_try_at=now)
    return ids


def recover_leadsquared_work(now: datetime, limit: int) -> dict:
    """Re-enqueue lost LeadSquared lookups and write-backs; return counts for the dispatcher's log."""
    from integrations.leadsquared.resolving import enqueue_lookup
    from integrations.leadsquared.writeback import enqueue_write_back

    stuck_cutoff = now - _stuck_after()

    interrupted_lookups = LeadLookup.objects.filter(
        status=LeadLookup.Status.RUNNING, started_at__lt=stuck_cutoff,
    ).update(status=LeadLookup.Status.PENDING, next_try_at=now - timedelta(seconds=LOST_AFTER + 1))

    unknown = WriteBack.objects.filter(status=WriteBack.Status.SENDING, claimed_at__lt=stuck_cutoff).update(
        status=WriteBack.Status.UNKNOWN,
        last_error="The worker stopped while posting the activity; whether LeadSquared created it is unknown, "
                   "so it is not posted again.",
    )

    lookups = _requeue(LeadLookup, now, limit)
    for lookup_id in lookups:
        enqueue_lookup(lookup_id)
    write_backs = _requeue(WriteBack, now, limit)
    for write_back_id in write_backs:
        enqueue_write_back(write_back_id)

    if lookups or write_backs or unknown or interrupted_lookups:
        logger.warning(
            "LeadSquared recovery: %s lookups and %s write-backs enqueued again, %s write-backs unknown, "
            "%s interrupted lookups",
            len(lookups), len(write_backs), unknown, interrupted_lookups,
        )
    return {"lookups_requeued": len(lookups), "write_backs_requeued": len(write_backs), "write_backs_unknown": unknown}
