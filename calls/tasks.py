"""Celery tasks. Each takes ids, re-reads its rows and treats a missing row as a no-op."""
import logging
import time
from datetime import datetime

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


# After a failed send, this process skips sends for BROKER_RETRY_SECONDS: each failed
# connection costs about CELERY_BROKER_CONNECTION_TIMEOUT, and a webhook must respond fast
# while the broker is down. The attempt rows stay queued, so nothing is lost.
BROKER_RETRY_SECONDS = 5.0
_broker_down_until = 0.0


def enqueue_place_call(attempt_id: int, eta: datetime | None = None) -> bool:
    """Send place_call for a queued attempt; return False if the broker is unreachable.

    A failed or skipped send loses nothing: the attempt stays queued and the dispatcher's
    recovery sends it again once the broker is back.
    """
    global _broker_down_until

    if time.monotonic() < _broker_down_until:
        logger.info("broker was unreachable moments ago; attempt %s is left to recovery", attempt_id)
        return False
    options = {}
    if eta is not None and eta > timezone.now():
        options["eta"] = eta
    try:
        place_call.apply_async((attempt_id,), **options)
    except Exception as error:  # noqa: BLE001 - kombu raises many types for a broker outage
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning("could not enqueue place_call for attempt %s, recovery will retry: %s", attempt_id, error)
        return False
    return True


@shared_task(name="calls.tasks.dispatch", ignore_result=True)
def dispatch() -> dict:
    from calls.dispatcher import run_dispatcher

    return run_dispatcher()


@shared_task(name="calls.tasks.place_call", ignore_result=True)
def place_call(attempt_id: int) -> None:
    from calls.dialing import place_call as place

    place(attempt_id)


@shared_task(name="calls.tasks.finish_simulated_call", ignore_result=True)
def finish_simulated_call(provider_call_id: str, attempt_id: int) -> None:
    from calls.models import CallAttempt
    from calls.outcomes import handle_event
    from calls.providers import get_provider

    attempt = CallAttempt.objects.select_related("call").filter(pk=attempt_id).first()
    if attempt is None:
        logger.warning("simulated call %s: attempt %s does not exist", provider_call_id, attempt_id)
        return
    simulator = get_provider("simulator")
    event = simulator.event_for(provider_call_id, attempt.pk, attempt.call.phone, attempt.call.variables)
    handle_event("simulator", event)


@shared_task(name="calls.tasks.poll_call", ignore_result=True)
def poll_call(attempt_id: int) -> None:
    from calls.polling import poll_attempt

    poll_attempt(attempt_id)
