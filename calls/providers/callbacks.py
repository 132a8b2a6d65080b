"""Receiving a provider's status callback: find the attempt, verify, apply.

The callback names the call (our attempt id in its metadata, or the provider's call id);
that attempt's agent stores the key or secret that must have signed it. Unknown calls and
bad signatures get the same response, so the endpoint reveals nothing about which calls exist.
"""
import logging
from dataclasses import dataclass, replace

from calls.models import CallAttempt
from calls.outcomes import handle_event
from calls.providers import PROVIDERS, get_provider
from calls.providers.base import CallbackReference, InvalidSignature

logger = logging.getLogger(__name__)

# Providers that send no HTTP callbacks.
NO_CALLBACKS = frozenset({"simulator"})
REJECTED = {"error": "Unknown call, or the signature is missing or invalid."}


@dataclass(frozen=True)
class CallbackResult:
    status: int
    body: dict


def find_attempt(provider_name: str, reference: CallbackReference) -> CallAttempt | None:
    """Return the attempt a callback names: by our attempt id when it carries one, else by call id."""
    attempts = CallAttempt.objects.select_related("call__agent").filter(provider=provider_name)
    if reference.attempt_id is None:
        if not reference.provider_call_id:
            return None
        return attempts.filter(provider_call_id=reference.provider_call_id).first()

    attempt = attempts.filter(pk=reference.attempt_id).first()
    # A callback about another provider call than the one this attempt placed is not its own.
    if attempt is not None and reference.provider_call_id and attempt.provider_call_id not in ("", reference.provider_call_id):
        return None
    return attempt


def receive_callback(provider_name: str, request) -> CallbackResult:
    """Verify one callback against its agent's credentials and apply its events."""
    if provider_name not in PROVIDERS or provider_name in NO_CALLBACKS:
        logger.warning("callback for provider %r rejected: it sends no callbacks here", provider_name)
        return CallbackResult(404, {"error": f"Unknown provider {provider_name!r}."})
    provider = get_provider(provider_name)

    try:
        reference = provider.callback_reference(request.body)
    except ValueError as error:
        logger.warning("%s callback rejected: %s", provider_name, error)
        return CallbackResult(400, {"error": str(error)})

    attempt = find_attempt(provider_name, reference)
    if attempt is None:
        logger.warning(
            "%s callback for unknown call rejected: attempt_id=%s provider_call_id=%s",
            provider_name, reference.attempt_id, reference.provider_call_id,
        )
        return CallbackResult(401, REJECTED)
    try:
        provider.verify_callback(attempt.call.agent, request)
    except InvalidSignature as error:
        logger.warning("%s callback for attempt %s rejected: %s", provider_name, attempt.pk, error)
        return CallbackResult(401, REJECTED)

    try:
        events = provider.parse_callback(request)
    except (ValueError, TypeError, AttributeError) as error:
        logger.warning("%s callback for attempt %s could not be read: %s", provider_name, attempt.pk, error)
        return CallbackResult(400, {"error": "The callback body has an unexpected shape."})

    for event in events:
        # The verified attempt is the only one this callback may change.
        handle_event(provider_name, replace(
            event, attempt_id=attempt.pk, provider_call_id=event.provider_call_id or reference.provider_call_id,
        ))
    return CallbackResult(200, {"status": "ok", "events": len(events)})
