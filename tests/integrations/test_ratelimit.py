"""The per-workspace rate limiter, alone and under 30 concurrent write-backs through a real worker."""
import threading
import time

import pytest
from django.db import connection as db_connection

from calls.models import Call, CallAttempt, Lead
from calls.outcomes_catalog import Outcome
from integrations.leadsquared import ratelimit
from integrations.leadsquared.errors import RateLimited
from integrations.leadsquared.writeback import enqueue_write_back
from integrations.models import WriteBack
from tests.factories import WorkspaceFactory

LIMIT = 5
WINDOW = 1.0


@pytest.fixture
def tight_limit(settings, workspace):
    settings.LEADSQUARED_RATE_LIMIT = LIMIT
    settings.LEADSQUARED_RATE_WINDOW = WINDOW
    ratelimit.reset(workspace.pk)
    yield
    ratelimit.reset(workspace.pk)


def max_in_any_window(stamps: list[float], window: float) -> int:
    """The largest number of ``stamps`` inside any half-open interval of length ``window``."""
    ordered = sorted(stamps)
    return max((sum(1 for other in ordered if start <= other < start + window) for start in ordered), default=0)


def test_limiter_allows_limit_then_waits(tight_limit, workspace):
    waits = [ratelimit.try_acquire(workspace.pk) for _ in range(LIMIT)]

    wait = ratelimit.try_acquire(workspace.pk)

    assert waits == [0] * LIMIT
    assert 0 < wait <= ratelimit.window_seconds()


def test_limiter_is_per_workspace(tight_limit, workspace):
    other = WorkspaceFactory()
    ratelimit.reset(other.pk)
    for _ in range(LIMIT):
        ratelimit.try_acquire(workspace.pk)

    assert ratelimit.try_acquire(other.pk) == 0
    ratelimit.reset(other.pk)


def test_acquire_gives_up_after_max_wait(tight_limit, workspace):
    for _ in range(LIMIT):
        ratelimit.try_acquire(workspace.pk)

    with pytest.raises(RateLimited) as raised:
        ratelimit.acquire(workspace.pk, max_wait=0.05)

    assert raised.value.retryable is True
    assert raised.value.sent is False
    assert raised.value.retry_after > 0


def test_limiter_holds_across_threads(transactional_db, tight_limit, workspace):
    stamps = []
    lock = threading.Lock()

    def take():
        try:
            ratelimit.acquire(workspace.pk, max_wait=30)
            with lock:
                stamps.append(time.time())
        finally:
            db_connection.close()

    threads = [threading.Thread(target=take) for _ in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=40)

    assert len(stamps) == 15
    assert max_in_any_window(stamps, WINDOW) <= LIMIT


def make_ended_attempts(agent, stub, count: int) -> list[int]:
    attempt_ids = []
    for index in range(count):
        prospect_id = f"00000000-0000-4000-8000-{index:012d}"
        stub.add_lead({"ProspectID": prospect_id, "FirstName": f"Lead {index}"})
        lead = Lead.objects.create(workspace=agent.workspace, agent=agent, external_id=prospect_id, fields={})
        call = Call.objects.create(workspace=agent.workspace, agent=agent, lead=lead, phone=f"+9190000{index:05d}")
        attempt = CallAttempt.objects.create(
            call=call, number=1, scheduled_for=lead.received_at, status=CallAttempt.Status.ENDED,
            outcome=Outcome.NO_ANSWER, duration_seconds=12,
        )
        WriteBack.objects.create(attempt=attempt, workspace=agent.workspace, prospect_id=prospect_id, call_ended=True)
        attempt_ids.append(attempt.pk)
    return attempt_ids


def test_30_concurrent_write_backs_hold_limit(crm_worker, tight_limit, agent, connected, stub):
    """Send 30 write-backs at once through a real worker: the stub receives at most LIMIT per WINDOW."""
    stub.enforce_rate_limit(LIMIT, WINDOW)
    make_ended_attempts(agent, stub, 30)

    for write_back_id in WriteBack.objects.values_list("id", flat=True):
        enqueue_write_back(write_back_id)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and WriteBack.objects.filter(status=WriteBack.Status.SENT).count() < 30:
        time.sleep(0.2)

    stamps = [request.received_at for request in stub.requests_to("ProspectActivity.svc/Create")]
    unsent = list(WriteBack.objects.exclude(status=WriteBack.Status.SENT).values_list("id", "status", "tries", "next_try_at", "last_error"))
    assert unsent == []
    assert len(stamps) == 30
    assert max_in_any_window(stamps, WINDOW) <= LIMIT
    assert len(stub.activities) == 30
