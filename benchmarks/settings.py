"""Settings for `make bench`: the production settings plus a bare view, a queue of their own,
and no per-key rate limit (one key sends the whole load)."""
from callkaro.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
CELERY_TASK_DEFAULT_QUEUE = "callkaro-bench"
API_KEY_RATE_LIMIT = 0
