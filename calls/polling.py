"""The polling fallback: look up a call whose end-of-call callback never came."""
import logging
from datetime import timedelta

from django.utils import timezone

from calls.models import CallAttempt
from calls.outcomes import handle_event, record_outcome
from calls.outcomes_catalog import Outcome
from calls.providers import get_provider
from calls.providers.base import ProviderError

logger = logging.getLogger(__name__)

# A call still reported as running this long after it started is closed as failed.
MAX_CALL_DURATION = timedelta(hours=3)


def poll_attempt(attempt_id: int) -> None:
    attempt = CallAttempt.objects.select_related("call__agent").filter(pk=attempt_id).first()
    if attempt is None or attempt.status != CallAttempt.Status.IN_PROGRESS:
        return

    provider = get_provider(attempt.provider)
    try:
        event = provider.fetch_call(attempt.call.agent, attempt.provider_call_id)
    except ProviderError as error:
        logger.warning("polling attempt %s at %s failed: %s", attempt_id, attempt.provider, error.message)
        return

    if event is not None and event.outcome:
        logger.info("attempt %s closed by polling: %s", attempt_id, event.outcome)
        handle_event(attempt.provider, event)
        return
    if attempt.started_at and timezone.now() - attempt.started_at > MAX_CALL_DURATION:
        record_outcome(
            attempt_id, Outcome.FAILED, end_reason="no_result",
            error="The provider reported no end of call within 3 hours.",
        )
