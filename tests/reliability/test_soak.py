"""Soak: thousands of leads with random simulator outcomes while workers are killed and restarted
at random; afterwards every lead's attempts, outcomes and times follow the rules.

SOAK_LEADS sets the number of leads (5,000 by default; about 3.5 minutes on a two-core
machine). Gaps, timeouts and the simulated call length are compressed through settings.
"""
import os
import random
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction

from calls.intake import accept_lead
from calls.models import Call
from calls.policy import CallPolicy
from calls.providers.simulator import TEST_NUMBERS, simulated_outcome
from calls.tasks import enqueue_place_call
from tests.factories import WorkspaceFactory, agent_with_mappings
from tests.reliability.conftest import requires_redis, requires_server_database
from tests.reliability.stack import wait_until

pytestmark = [requires_server_database, requires_redis, pytest.mark.slow]

LEADS = int(os.environ.get("SOAK_LEADS", "5000"))
GAP_HOURS = 0.0003  # 1.08 seconds
POLICY = CallPolicy(timezone="UTC", gaps_hours=(GAP_HOURS,))
# Seven in ten leads answer; the rest get each not-reached test number alike.
PHONES = ["+919000000001"] * 7 + sorted(TEST_NUMBERS)[:3]
# Seconds between two worker restarts; each restart costs a few seconds of CPU to start.
RESTART_EVERY = (15.0, 30.0)
AGENTS = 50


def create_leads(agents, rng: random.Random) -> dict[str, str]:
    """Accept LEADS leads through the intake, 100 per transaction; return lead id → phone."""
    phones = {}
    for start in range(0, LEADS, 100):
        with transaction.atomic():
            for index in range(start, min(start + 100, LEADS)):
                lead_id = f"SOAK-{index}"
                phones[lead_id] = rng.choice(PHONES)
                fields = {"ProspectID": lead_id, "Phone": phones[lead_id], "FirstName": "Soak"}
                agent = agents[index % len(agents)]
                result = accept_lead(agent, fields, POLICY, crm="leadsquared", crm_lead_id=lead_id)
                assert result.status == "scheduled"
                if result.enqueue_now:
                    attempt_id = result.first_attempt.pk
                    transaction.on_commit(lambda attempt_id=attempt_id: enqueue_place_call(attempt_id))
    return phones


def restart_workers(processes, rng: random.Random, stop: threading.Event, log: list) -> None:
    generation = 2
    while not stop.wait(rng.uniform(*RESTART_EVERY)):
        victim = rng.choice([name for name in processes.processes if name.startswith("worker")])
        how = rng.choice([signal.SIGKILL, signal.SIGTERM])
        processes.kill(victim, how)
        generation += 1
        processes.start_worker(f"worker-{generation}", concurrency=6, pool="threads")
        log.append((victim, how.name))


def final_calls() -> int:
    return Call.objects.filter(status__in=Call.FINAL_STATUSES).count()


def check_call(call: Call, phone: str) -> list[str]:
    """Return how ``call`` breaks the rules; empty when it follows them."""
    problems = []
    expected = simulated_outcome(phone)
    attempts = sorted(call.attempts.all(), key=lambda attempt: attempt.number)
    numbers = [attempt.number for attempt in attempts]
    if numbers != list(range(1, len(attempts) + 1)) or not 1 <= len(attempts) <= POLICY.max_attempts:
        problems.append(f"attempt numbers {numbers}")
    for attempt in attempts:
        if attempt.status != "ended":
            problems.append(f"attempt {attempt.number} is {attempt.status}")
        interrupted = attempt.outcome == "failed" and attempt.end_reason == "dial_interrupted"
        if attempt.outcome != expected and not interrupted:
            problems.append(f"attempt {attempt.number} outcome {attempt.outcome}, expected {expected}")
        if attempt.started_at is None or attempt.started_at < attempt.scheduled_for:
            problems.append(f"attempt {attempt.number} started {attempt.started_at} before {attempt.scheduled_for}")
    for earlier, later in zip(attempts, attempts[1:]):
        if earlier.outcome == "completed":
            problems.append(f"attempt {later.number} follows a completed attempt")
        if later.scheduled_for != earlier.ended_at + timedelta(hours=GAP_HOURS):
            problems.append(f"attempt {later.number} due {later.scheduled_for}, gap after {earlier.ended_at}")
        if later.started_at and later.started_at < earlier.ended_at + timedelta(hours=GAP_HOURS):
            problems.append(f"attempt {later.number} dialled within the retry gap")
    last = attempts[-1] if attempts else None
    if last is not None:
        expected_status = "completed" if last.outcome == "completed" else "not_reached"
        if call.status != expected_status or call.outcome != last.outcome:
            problems.append(f"call {call.status}/{call.outcome}, last attempt {last.outcome}")
        if last.outcome != "completed" and last.number != POLICY.max_attempts:
            problems.append(f"call ended after {last.number} of {POLICY.max_attempts} attempts")
    return problems


def test_soak_with_worker_restarts(stack):
    rng = random.Random(20261204)
    workspace = WorkspaceFactory(slug="soak")
    # Dial claims for one agent are serialized by its row lock; fifty agents spread them.
    agents = [agent_with_mappings(workspace=workspace, max_concurrent_calls=1000) for _ in range(AGENTS)]
    processes = stack(QUEUED_TIMEOUT=10, DIALING_TIMEOUT=3, SIMULATOR_CALL_SECONDS=0.2, LOG_LEVEL="ERROR")
    processes.start_worker("worker-1", concurrency=6, pool="threads")
    processes.start_worker("worker-2", concurrency=6, pool="threads")
    # The dispatcher must outlive both waits below.
    processes.start_dispatcher(seconds=max(900, LEADS * 0.5))
    stop = threading.Event()
    restarts: list = []
    restarter = threading.Thread(target=restart_workers, args=(processes, rng, stop, restarts), daemon=True)
    restarter.start()

    try:
        phones = create_leads(agents, rng)
        # Generous: 5,000 leads took 210 to 250 s on a two-core machine.
        wait_until(
            lambda: final_calls() >= LEADS * 0.9, timeout=max(400, LEADS * 0.4), interval=2,
            message=f"90% of calls to end ({final_calls()} of {LEADS} had ended at the start of the wait)",
        )
    finally:
        stop.set()
        restarter.join(timeout=60)
    # The polling fallback closes calls whose simulated end was lost with a killed worker,
    # at the earliest a minute after they started (the simulator's callback timeout).
    wait_until(lambda: final_calls() == LEADS, timeout=240, interval=2, message="every call to end")

    assert len(restarts) >= 1
    calls = Call.objects.select_related("lead").prefetch_related("attempts")
    problems = {}
    for call in calls:
        found = check_call(call, phones[call.lead.external_id])
        if found:
            problems[call.lead.external_id] = found
    assert len(phones) == LEADS
    assert calls.count() == LEADS
    assert problems == {}
