"""Per-process cache of the rows every webhook delivery reads first: the API key and the agent.

Without it a delivery spends three queries (key, agent, variable mappings) on rows that
rarely change. Entries expire after ``WEBHOOK_LOOKUP_CACHE_SECONDS``. A save or delete
of a key, workspace, agent or mapping clears the cache of the process that made it at
once, so the other processes (the other gunicorn workers) see the change within that
time. A revoked key can therefore be accepted by another worker for up to that many
seconds. Misses are not cached, so a new key or agent works at once.
"""
import threading
import time

from django.conf import settings

from accounts.models import ApiKey, hash_api_key
from agents.models import Agent

# Maximum entries before the whole cache is dropped. Each key and each agent in use takes one.
MAX_ENTRIES = 10_000

_entries: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def clear(**signal_kwargs) -> None:
    """Drop every entry. Connected to the model signals in WebhooksConfig.ready()."""
    with _lock:
        _entries.clear()


def _cached(key: tuple, load):
    seconds = settings.WEBHOOK_LOOKUP_CACHE_SECONDS
    if seconds <= 0:
        return load()
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    if value is not None:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + seconds, value)
    return value


def find_api_key(raw_key: str | None) -> ApiKey | None:
    """Return the active key matching ``raw_key``, with its workspace, or None."""
    if not raw_key:
        return None
    # The hash, not the key, names the entry, so no plaintext key stays in memory.
    return _cached(("key", hash_api_key(raw_key)), lambda: ApiKey.find(raw_key))


def find_agent(workspace, public_id: str) -> Agent | None:
    """Return the workspace's agent with ``public_id``, with its workspace and mappings, or None."""
    def load():
        return (
            Agent.objects.select_related("workspace").prefetch_related("mappings")
            .filter(public_id=public_id, workspace=workspace).first()
        )

    return _cached(("agent", workspace.pk, public_id), load)
