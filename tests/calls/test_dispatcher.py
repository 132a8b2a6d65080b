"""The dispatcher: claiming due attempts, recovery of lost tasks and dead workers."""
from datetime import timedelta

import pytest
from django.utils import timezone

from calls import dispatcher
from calls.models import Call, CallAttempt
from calls.policy import CallPolicy
from tests.calls.conftest import make_call, minutes_ago
from tests.conftest import requires_postgres


@pytest.fixture
def enqueued(monkeypatch):
    """Attempt ids the dispatcher sends to place_call, captured instead of published."""
    sent = []
    monkeypatch.setattr("calls.tasks.enqueue_place_call", lambda attempt_id, eta=None: sent.append((attempt_id, eta)) or True)
    return sent


def test_due_attempt_is_claimed_and_enqueued(agent, enqueued):
    _, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(1))

    result = dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert result["claimed"] == 1
    assert attempt.status == CallAttempt.Status.QUEUED
    assert attempt.queued_at is not None
    assert [attempt_id for attempt_id, _ in enqueued] == [attempt.pk]


def test_attempt_within_horizon_gets_eta(agent, enqueued, settings):
    settings.DISPATCH_HORIZON = 10
    due = timezone.now() + timedelta(seconds=5)
    _, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=due)

    dispatcher.run_dispatcher()

    assert enqueued == [(attempt.pk, due)]


def test_attempt_beyond_horizon_waits(agent, enqueued, settings):
    settings.DISPATCH_HORIZON = 10
    _, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=timezone.now() + timedelta(seconds=30))

    dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.PENDING
    assert enqueued == []


def test_paused_agent_attempts_are_not_claimed(agent, enqueued):
    agent.paused = True
    agent.save()
    make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(1))

    result = dispatcher.run_dispatcher()

    assert result["claimed"] == 0
    assert enqueued == []


def test_batch_size_limits_claim(agent, enqueued, settings):
    settings.DISPATCH_BATCH_SIZE = 2
    for index in range(3):
        make_call(agent, phone=f"+91900000010{index}", status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(3 - index))

    dispatcher.run_dispatcher()

    assert len(enqueued) == 2
    assert CallAttempt.objects.filter(status=CallAttempt.Status.PENDING).count() == 1


def test_lost_queued_task_is_enqueued_again(agent, enqueued, settings):
    settings.QUEUED_TIMEOUT = 60
    _, attempt = make_call(agent, status=CallAttempt.Status.QUEUED, scheduled_for=minutes_ago(5))
    CallAttempt.objects.filter(pk=attempt.pk).update(queued_at=minutes_ago(5))

    result = dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert result["requeued"] == 1
    assert [attempt_id for attempt_id, _ in enqueued] == [attempt.pk]
    assert attempt.queued_at > minutes_ago(1)


# (re-sends so far, seconds since the last send, re-sent now?) with QUEUED_TIMEOUT = 60:
# the wait doubles with each re-send and stops growing after MAX_RESEND_DOUBLINGS (5).
RESEND_BACKOFF = [
    (0, 59, False),
    (0, 61, True),
    (1, 119, False),
    (1, 121, True),
    (2, 239, False),
    (2, 241, True),
    (4, 959, False),
    (4, 961, True),
    (5, 1919, False),
    (5, 1921, True),
    (9, 1919, False),
    (9, 1921, True),
]


@pytest.mark.parametrize("resends, seconds_since_send, resent", RESEND_BACKOFF)
def test_resend_waits_double_each_time(agent, enqueued, settings, resends, seconds_since_send, resent):
    settings.QUEUED_TIMEOUT = 60
    _, attempt = make_call(agent, status=CallAttempt.Status.QUEUED, scheduled_for=minutes_ago(60))
    last_send = timezone.now() - timedelta(seconds=seconds_since_send)
    CallAttempt.objects.filter(pk=attempt.pk).update(queued_at=last_send, resends=resends)

    result = dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert result["requeued"] == int(resent)
    assert attempt.resends == resends + int(resent)


def test_failed_resend_does_not_lengthen_wait(agent, monkeypatch, settings):
    settings.QUEUED_TIMEOUT = 60
    monkeypatch.setattr("calls.tasks.enqueue_place_call", lambda attempt_id, eta=None: False)
    _, attempt = make_call(agent, status=CallAttempt.Status.QUEUED, scheduled_for=minutes_ago(60))
    CallAttempt.objects.filter(pk=attempt.pk).update(queued_at=minutes_ago(5), resends=1)

    result = dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert result["requeued"] == 1
    assert attempt.resends == 1


def test_claim_resets_resends(agent, enqueued):
    _, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(1))
    CallAttempt.objects.filter(pk=attempt.pk).update(resends=3)

    dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.QUEUED
    assert attempt.resends == 0


def test_recent_queued_attempt_is_left_alone(agent, enqueued):
    make_call(agent, status=CallAttempt.Status.QUEUED, scheduled_for=timezone.now())

    result = dispatcher.run_dispatcher()

    assert result["requeued"] == 0
    assert enqueued == []


def test_interrupted_dial_ends_as_failed_and_waits_for_gap(agent, enqueued, settings):
    settings.DIALING_TIMEOUT = 120
    call, attempt = make_call(agent, policy=CallPolicy(gaps_hours=(2.0,)), status=CallAttempt.Status.DIALING)
    CallAttempt.objects.filter(pk=attempt.pk).update(started_at=minutes_ago(5))

    result = dispatcher.run_dispatcher()

    attempt.refresh_from_db()
    retry = call.attempts.get(number=2)
    assert result["interrupted"] == 1
    assert attempt.status == CallAttempt.Status.ENDED
    assert attempt.outcome == "failed"
    assert attempt.end_reason == "dial_interrupted"
    assert retry.scheduled_for >= attempt.ended_at + timedelta(hours=2)
    assert enqueued == []


def test_silent_call_is_polled_once_per_period(agent, monkeypatch):
    polled = []
    monkeypatch.setattr("calls.tasks.poll_call.delay", lambda attempt_id: polled.append(attempt_id))
    _, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    CallAttempt.objects.filter(pk=attempt.pk).update(provider="simulator", started_at=timezone.now() - timedelta(hours=1))

    dispatcher.run_dispatcher()
    dispatcher.run_dispatcher()

    assert polled == [attempt.pk]


def test_polling_closes_simulated_call(agent, settings):
    from calls.polling import poll_attempt

    call, attempt = make_call(agent, phone="+919999900002", status=CallAttempt.Status.IN_PROGRESS)
    CallAttempt.objects.filter(pk=attempt.pk).update(provider="simulator", provider_call_id="sim_x")

    poll_attempt(attempt.pk)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert attempt.outcome == "busy"
    assert call.status == Call.Status.NOT_REACHED


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_skip_locked_claim_skips_rows_held_elsewhere(agent, enqueued):
    from django.db import connections

    _, held = make_call(agent, phone="+919000000201", status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(2))
    _, free = make_call(agent, phone="+919000000202", status=CallAttempt.Status.PENDING, scheduled_for=minutes_ago(1))

    # A second connection plays another dispatcher holding a lock on one row.
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM calls_callattempt WHERE id = %s FOR UPDATE", [held.pk])
        claimed = dispatcher.claim_due_attempts(timezone.now(), 10)
    finally:
        other.rollback()
        other.close()

    assert [attempt_id for attempt_id, _ in claimed] == [free.pk]
