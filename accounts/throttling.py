"""DRF throttle that applies the per-API-key request limit to ``/api/v1``."""
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiKey
from accounts.ratelimit import check_rate


class ApiKeyRateThrottle(BaseThrottle):
    decision = None

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        self.decision = check_rate(request.auth)
        return self.decision.allowed

    def wait(self) -> float | None:
        return self.decision.retry_after if self.decision else None
