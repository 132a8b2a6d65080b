"""One LeadSquared request budget per workspace, shared by every web and worker process.

LeadSquared allows each account a number of API requests per 5 seconds that depends on the
plan: Lite 2, Pro 5, Super and Basic 10, Standard 15, Enterprise 25 (LeadSquared API
documentation, "Rate Limits"). ``settings.LEADSQUARED_RATE_LIMIT`` is that number and
``settings.LEADSQUARED_RATE_WINDOW`` the window in seconds.

The limiter keeps a sliding log of request start times per workspace. When the Celery broker
is Redis, the log is a Redis sorted set updated by one Lua script on Redis's own clock.
Otherwise it is a database row per workspace, updated under a row lock.

The window is widened by a margin (``margin_seconds``), because a request reaches LeadSquared
some time after it takes its slot here. That delay varies with network and CPU load: in the
test suite on a loaded 2-core machine it reached 0.14 s.
"""
import logging
import time
import uuid
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from integrations.leadsquared.errors import RateLimited

logger = logging.getLogger(__name__)

# Safety margin added to the window: this fraction of it, and at least MIN_MARGIN seconds.
WINDOW_MARGIN = 0.10
MIN_MARGIN = 0.5

_REDIS_SCRIPT = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_us = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_us)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(window_us / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_us - now)
"""


def limit() -> int:
    return max(1, int(settings.LEADSQUARED_RATE_LIMIT))


def margin_seconds() -> float:
    return max(float(settings.LEADSQUARED_RATE_WINDOW) * WINDOW_MARGIN, MIN_MARGIN)


def window_seconds() -> float:
    return float(settings.LEADSQUARED_RATE_WINDOW) + margin_seconds()


def backend_name() -> str:
    configured = getattr(settings, "LEADSQUARED_RATE_LIMIT_BACKEND", "") or ""
    if configured:
        return configured
    broker = settings.CELERY_BROKER_URL or ""
    return "redis" if broker.startswith(("redis://", "rediss://")) else "database"


@lru_cache(maxsize=4)
def _redis_script(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client.register_script(_REDIS_SCRIPT)


def _try_redis(workspace_id: int) -> float:
    script = _redis_script(settings.CELERY_BROKER_URL)
    wait_us = script(
        keys=[f"callkaro:leadsquared:ratelimit:{workspace_id}"],
        args=[limit(), int(window_seconds() * 1_000_000), uuid.uuid4().hex],
    )
    return int(wait_us) / 1_000_000


def _try_database(workspace_id: int) -> float:
    from integrations.models import RateLimitWindow

    now = time.time()
    window = window_seconds()
    with transaction.atomic():
        row, _ = RateLimitWindow.objects.select_for_update().get_or_create(workspace_id=workspace_id)
        recent = sorted(stamp for stamp in row.request_times if stamp > now - window)
        if len(recent) < limit():
            recent.append(now)
            RateLimitWindow.objects.filter(pk=row.pk).update(request_times=recent)
            return 0.0
        return max(0.001, recent[-limit()] + window - now)


def try_acquire(workspace_id: int) -> float:
    """Take one request slot for the workspace; return 0, or the seconds until one frees up."""
    if backend_name() == "redis":
        return _try_redis(workspace_id)
    return _try_database(workspace_id)


def acquire(workspace_id: int, max_wait: float) -> None:
    """Take one request slot, sleeping up to ``max_wait`` seconds; raise RateLimited after that."""
    deadline = time.monotonic() + max_wait
    while True:
        wait = try_acquire(workspace_id)
        if wait <= 0:
            return
        remaining = deadline - time.monotonic()
        if wait > remaining:
            raise RateLimited(wait)
        time.sleep(wait)


def reset(workspace_id: int) -> None:
    """Forget the workspace's recent requests (tests; and after changing the plan's limit)."""
    if backend_name() == "redis":
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(f"callkaro:leadsquared:ratelimit:{workspace_id}")
        return
    from integrations.models import RateLimitWindow

    RateLimitWindow.objects.filter(workspace_id=workspace_id).delete()
