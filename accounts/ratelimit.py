"""Request limit per API key, so one leaked key cannot flood the call queue.

Each key may make ``API_KEY_RATE_LIMIT`` requests (webhook deliveries and API calls
together) per fixed window of ``API_KEY_RATE_WINDOW`` seconds. The counter lives in the
``ratelimit`` cache: Redis when the broker is Redis, so every gunicorn worker and web
node shares it, and a file-system cache under ``var/`` otherwise, shared by the
processes of one machine.
"""
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    window: int
    # Seconds until the current window ends; sent as Retry-After when not allowed.
    retry_after: int = 0


def check_rate(api_key, now: float | None = None) -> RateDecision:
    """Count one request for ``api_key`` (an ApiKey) and return whether it is within the limit.

    A cache that cannot be reached lets the request through: an outage of Redis must
    not stop leads from being received.
    """
    limit, window = settings.API_KEY_RATE_LIMIT, settings.API_KEY_RATE_WINDOW
    if limit <= 0:
        return RateDecision(True, limit, window)

    now = time.time() if now is None else now
    window_index = int(now // window)
    # The hash's start, not the row id, names the counter: a test database that reuses
    # ids must not inherit another run's counts.
    key = f"apikey:{api_key.key_hash[:16]}:{window_index}"
    cache = caches[CACHE_ALIAS]
    try:
        # add() is a no-op when the key exists, so the first request of a window creates it.
        cache.add(key, 0, timeout=window * 2)
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr().
        cache.set(key, 1, timeout=window * 2)
        count = 1
    except Exception as error:  # noqa: BLE001 - redis-py and file errors differ; fail open
        logger.warning("rate limit cache unavailable, request for key %s allowed: %s", api_key.prefix, error)
        return RateDecision(True, limit, window)

    if count <= limit:
        return RateDecision(True, limit, window)
    retry_after = max(1, math.ceil((window_index + 1) * window - now))
    return RateDecision(False, limit, window, retry_after)
