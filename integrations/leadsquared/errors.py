"""The one exception type the LeadSquared client raises."""


class LeadSquaredError(Exception):
    """A LeadSquared request failed. ``retryable`` is True when trying again later can help.

    LeadSquared reports errors as ``{"Status": "Error", "ExceptionType": …, "ExceptionMessage": …}``;
    ``exception_type`` and ``message`` carry those fields when the body had them.
    ``sent`` is False when the request never reached LeadSquared (rejected host, rate
    limiter, connection refused), so repeating it cannot duplicate anything.
    """

    def __init__(
        self, message: str, *, retryable: bool, status_code: int | None = None,
        exception_type: str = "", sent: bool = True, retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status_code = status_code
        self.exception_type = exception_type
        self.sent = sent
        # Seconds to wait before the next try, when known (rate limiter, Retry-After header).
        self.retry_after = retry_after

    @property
    def unauthorized(self) -> bool:
        return self.status_code == 401

    def __str__(self) -> str:
        return self.message


class HostNotAllowed(LeadSquaredError):
    """The LeadSquared host is not one this server may call; the message names the fix."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False, sent=False)


class RateLimited(LeadSquaredError):
    """This workspace's request budget is used up for ``retry_after`` more seconds."""

    def __init__(self, retry_after: float):
        super().__init__(
            f"The LeadSquared rate limit for this workspace is reached; next slot in {retry_after:.1f} s.",
            retryable=True, sent=False, retry_after=retry_after,
        )
