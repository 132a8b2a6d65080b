"""The interface every voice-AI provider adapter implements.

An adapter starts calls, turns the provider's status callbacks into CallEvents, looks a
call up when no callback came, and classifies its errors as transient or permanent.
Adding a provider is one module in this package plus one entry in ``PROVIDERS``.
"""
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from agents.models import Agent


class ProviderError(Exception):
    """A provider refused or failed a request.

    ``permanent`` errors (bad credentials, an invalid number) are not retried soon;
    transient ones (rate limits, 5xx, timeouts) are, without using up a lead retry.
    ``outcome`` names the call outcome a permanent error implies, e.g. invalid_number.
    """

    def __init__(self, message: str, *, permanent: bool, outcome: str | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.outcome = outcome


class InvalidSignature(Exception):
    """A callback's signature is missing or wrong; the request changes nothing."""


@dataclass(frozen=True)
class CallRequest:
    attempt_id: int
    call_id: str
    phone: str
    variables: dict[str, str]


@dataclass(frozen=True)
class StartedCall:
    provider_call_id: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackReference:
    """The ids an unverified callback claims to be about, used to find whose key verifies it."""

    attempt_id: int | None = None
    provider_call_id: str = ""


@dataclass(frozen=True)
class CallEvent:
    """One status update about a call, in the product's terms.

    ``outcome`` is set only on an event that ends the call. Events that carry only
    later data (an analysis, a recording) leave it None.
    """

    provider_call_id: str
    attempt_id: int | None = None
    outcome: str | None = None
    end_reason: str = ""
    duration_seconds: float | None = None
    transcript: str = ""
    summary: str = ""
    recording_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class Provider:
    name: str = ""
    label: str = ""
    # Seconds an in-progress call waits for a callback before it is looked up.
    callback_timeout: float | None = None
    # A Django form class for the agent's Settings tab (see calls/providers/forms.py);
    # None for a provider without settings.
    settings_form: type | None = None

    def start_call(self, agent: "Agent", request: CallRequest) -> StartedCall:
        raise NotImplementedError

    def callback_reference(self, body: bytes) -> CallbackReference:
        """Read the attempt id and provider call id a callback names, before it is trusted.

        Raises ValueError for a body this provider never sends.
        """
        raise NotImplementedError

    def verify_callback(self, agent: "Agent", request: "HttpRequest") -> None:
        """Check the callback's signature against the agent's key or secret; raise InvalidSignature."""
        raise NotImplementedError

    def parse_callback(self, request: "HttpRequest") -> list[CallEvent]:
        """Return the events of a callback that ``verify_callback`` accepted."""
        raise NotImplementedError

    def fetch_call(self, agent: "Agent", provider_call_id: str) -> CallEvent | None:
        """Look a call up for the polling fallback; None while it is still running."""
        raise NotImplementedError

    def validate_settings(self, settings: dict, api_key: str, webhook_secret: str = "") -> dict[str, str]:
        """Return field → error for settings this provider cannot use."""
        return {}
