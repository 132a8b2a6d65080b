"""place_call: dial-time checks, duplicates and provider errors."""
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.dialing import MAX_TRANSIENT_FAILURES, place_call
from calls.models import Call, CallAttempt
from calls.policy import CallingWindow, CallPolicy
from calls.providers.base import ProviderError
from tests.calls.conftest import make_call


def window_closed_now() -> CallPolicy:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Kolkata"))
    start = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=3)).time().replace(second=0, microsecond=0)
    return CallPolicy(window=CallingWindow(start, end))


def test_queued_attempt_is_placed(recording_agent, recording_provider):
    call, attempt = make_call(recording_agent)

    place_call(attempt.pk)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert attempt.status == CallAttempt.Status.IN_PROGRESS
    assert attempt.provider == "recording"
    assert attempt.provider_call_id == f"rec-{attempt.pk}-1"
    assert attempt.started_at is not None
    assert call.status == Call.Status.IN_PROGRESS
    assert [request.phone for request in recording_provider.started] == ["+919000000001"]
    assert recording_provider.started[0].variables == {"name": "Asha"}
    assert recording_provider.started[0].call_id == call.public_id


def test_task_delivered_twice_dials_once(recording_agent, recording_provider):
    _, attempt = make_call(recording_agent)

    place_call(attempt.pk)
    place_call(attempt.pk)

    assert len(recording_provider.started) == 1


def test_missing_attempt_is_a_no_op(recording_provider, db):
    place_call(999_999)

    assert recording_provider.started == []


def test_outside_window_returns_to_pending(recording_agent, recording_provider):
    policy = window_closed_now()
    _, attempt = make_call(recording_agent, policy=policy, scheduled_for=timezone.now() - timedelta(hours=1))

    place_call(attempt.pk)

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.PENDING
    assert attempt.scheduled_for > timezone.now() + timedelta(hours=1)
    assert recording_provider.started == []


def test_manual_attempt_dials_outside_window(recording_agent, recording_provider):
    _, attempt = make_call(recording_agent, policy=window_closed_now())
    CallAttempt.objects.filter(pk=attempt.pk).update(manual=True)

    place_call(attempt.pk)

    assert len(recording_provider.started) == 1


def test_paused_agent_does_not_dial(recording_agent, recording_provider):
    recording_agent.paused = True
    recording_agent.save()
    _, attempt = make_call(recording_agent)

    place_call(attempt.pk)

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.PENDING
    assert recording_provider.started == []


def test_concurrency_limit_defers_attempt(recording_agent, recording_provider):
    recording_agent.max_concurrent_calls = 1
    recording_agent.save()
    _, busy = make_call(recording_agent, phone="+919000000011")
    place_call(busy.pk)
    _, waiting = make_call(recording_agent, phone="+919000000012")

    place_call(waiting.pk)

    waiting.refresh_from_db()
    assert waiting.status == CallAttempt.Status.PENDING
    assert timezone.now() < waiting.scheduled_for < timezone.now() + timedelta(seconds=11)
    assert len(recording_provider.started) == 1


def test_transient_error_retries_without_using_retry(recording_agent, recording_provider):
    recording_provider.error = ProviderError("429 Too Many Requests", permanent=False)
    call, attempt = make_call(recording_agent)

    place_call(attempt.pk)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert attempt.status == CallAttempt.Status.PENDING
    assert attempt.number == 1
    assert attempt.transient_failures == 1
    assert attempt.error == "429 Too Many Requests"
    assert attempt.scheduled_for > timezone.now()
    assert call.status == Call.Status.SCHEDULED
    assert call.attempts.count() == 1


def test_transient_errors_give_up_as_failed(recording_agent, recording_provider):
    recording_provider.error = ProviderError("503", permanent=False)
    call, attempt = make_call(recording_agent)
    CallAttempt.objects.filter(pk=attempt.pk).update(transient_failures=MAX_TRANSIENT_FAILURES)

    place_call(attempt.pk)

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.ENDED
    assert attempt.outcome == "failed"
    assert attempt.end_reason == "provider_unavailable"


def test_invalid_number_ends_call_without_retry(recording_agent, recording_provider):
    recording_provider.error = ProviderError("invalid number", permanent=True, outcome="invalid_number")
    call, attempt = make_call(recording_agent, policy=CallPolicy(gaps_hours=(1, 2)))

    place_call(attempt.pk)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert attempt.outcome == "invalid_number"
    assert call.status == Call.Status.NOT_REACHED
    assert call.attempts.count() == 1


def test_permanent_error_counts_as_failed_attempt(recording_agent, recording_provider):
    recording_provider.error = ProviderError("401 Unauthorized", permanent=True)
    call, attempt = make_call(recording_agent, policy=CallPolicy(gaps_hours=(1,)))

    place_call(attempt.pk)

    attempt.refresh_from_db()
    assert attempt.outcome == "failed"
    assert attempt.error == "401 Unauthorized"
    assert call.attempts.get(number=2).status == CallAttempt.Status.PENDING


def test_unexpected_adapter_exception_is_transient(recording_agent, recording_provider):
    recording_provider.error = RuntimeError("adapter bug")
    _, attempt = make_call(recording_agent)

    place_call(attempt.pk)

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.PENDING
    assert attempt.transient_failures == 1


@pytest.mark.parametrize("status", ["pending", "dialing", "in_progress", "ended", "canceled"])
def test_only_queued_attempts_are_placed(recording_agent, recording_provider, status):
    _, attempt = make_call(recording_agent, status=status)

    place_call(attempt.pk)

    assert recording_provider.started == []
