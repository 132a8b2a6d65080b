"""Outcome → retry rules, duplicate and late events."""
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call, CallAttempt
from calls.outcomes import handle_event, record_outcome
from calls.outcomes_catalog import Outcome
from calls.policy import CallPolicy
from calls.providers.base import CallEvent
from tests.calls.conftest import make_call

RETRIES = CallPolicy(gaps_hours=(1.0, 3.0))

OUTCOME_CASES = [
    # (outcome, next attempt planned?, call status without a retry)
    (Outcome.COMPLETED, False, Call.Status.COMPLETED),
    (Outcome.VOICEMAIL, True, Call.Status.NOT_REACHED),
    (Outcome.NO_ANSWER, True, Call.Status.NOT_REACHED),
    (Outcome.BUSY, True, Call.Status.NOT_REACHED),
    (Outcome.REJECTED, True, Call.Status.NOT_REACHED),
    (Outcome.UNREACHABLE, True, Call.Status.NOT_REACHED),
    (Outcome.FAILED, True, Call.Status.NOT_REACHED),
    (Outcome.INVALID_NUMBER, False, Call.Status.NOT_REACHED),
    (Outcome.CANCELED, False, Call.Status.CANCELED),
]


@pytest.mark.parametrize(("outcome", "retried", "final_status"), OUTCOME_CASES)
def test_outcome_plans_retry_or_ends_call(agent, outcome, retried, final_status):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)

    record_outcome(attempt.pk, outcome)

    call.refresh_from_db()
    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.ENDED
    assert attempt.outcome == outcome
    assert call.outcome == outcome
    if retried:
        retry = call.attempts.get(number=2)
        assert retry.status == CallAttempt.Status.PENDING
        assert retry.scheduled_for == attempt.ended_at + timedelta(hours=1)
        assert call.status == Call.Status.SCHEDULED
    else:
        assert call.attempts.count() == 1
        assert call.status == final_status


@pytest.mark.parametrize(("outcome", "retried", "final_status"), OUTCOME_CASES)
def test_last_attempt_ends_call(agent, outcome, retried, final_status):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS, number=3)

    record_outcome(attempt.pk, outcome)

    call.refresh_from_db()
    assert call.attempts.count() == 1
    assert call.status == final_status


def test_second_retry_uses_second_gap(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS, number=2)

    record_outcome(attempt.pk, Outcome.BUSY)

    attempt.refresh_from_db()
    assert call.attempts.get(number=3).scheduled_for == attempt.ended_at + timedelta(hours=3)


def test_retry_on_narrows_retried_outcomes(agent):
    policy = CallPolicy(gaps_hours=(1.0,), retry_on=frozenset({"no_answer"}))
    call, attempt = make_call(agent, policy=policy, status=CallAttempt.Status.IN_PROGRESS)

    record_outcome(attempt.pk, Outcome.VOICEMAIL)

    call.refresh_from_db()
    assert call.attempts.count() == 1
    assert call.status == Call.Status.NOT_REACHED


def test_no_retries_means_one_attempt(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)

    record_outcome(attempt.pk, Outcome.NO_ANSWER)

    call.refresh_from_db()
    assert call.attempts.count() == 1
    assert call.status == Call.Status.NOT_REACHED


def test_end_event_twice_plans_one_retry(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)

    first = record_outcome(attempt.pk, Outcome.NO_ANSWER)
    second = record_outcome(attempt.pk, Outcome.NO_ANSWER)

    assert first is True
    assert second is False
    assert call.attempts.count() == 2


def test_first_final_outcome_wins(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)

    record_outcome(attempt.pk, Outcome.COMPLETED, transcript="Agent: hello")
    record_outcome(attempt.pk, Outcome.NO_ANSWER)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert attempt.outcome == Outcome.COMPLETED
    assert call.status == Call.Status.COMPLETED
    assert call.attempts.count() == 1


def test_late_event_fills_missing_details(agent):
    _, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    CallAttempt.objects.filter(pk=attempt.pk).update(provider="recording", provider_call_id="p-1")

    record_outcome(attempt.pk, Outcome.COMPLETED, transcript="first transcript")
    handle_event("recording", CallEvent("p-1", summary="Interested", recording_url="https://example.com/r.mp3", transcript="late"))

    attempt.refresh_from_db()
    assert attempt.transcript == "first transcript"
    assert attempt.summary == "Interested"
    assert attempt.recording_url == "https://example.com/r.mp3"


def test_analysis_before_end_keeps_both(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    CallAttempt.objects.filter(pk=attempt.pk).update(provider="recording", provider_call_id="p-2")

    handle_event("recording", CallEvent("p-2", summary="Wants a callback"))
    handle_event("recording", CallEvent("p-2", outcome=Outcome.COMPLETED, duration_seconds=61.5))

    attempt.refresh_from_db()
    assert attempt.outcome == Outcome.COMPLETED
    assert attempt.duration_seconds == 61.5
    assert attempt.summary == "Wants a callback"


def test_event_for_unknown_call_changes_nothing(agent):
    _, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)

    result = handle_event("recording", CallEvent("nobody", outcome=Outcome.COMPLETED))

    attempt.refresh_from_db()
    assert result is None
    assert attempt.status == CallAttempt.Status.IN_PROGRESS


def test_event_of_other_provider_is_ignored(agent):
    _, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    CallAttempt.objects.filter(pk=attempt.pk).update(provider="simulator")

    handle_event("recording", CallEvent("x", attempt_id=attempt.pk, outcome=Outcome.COMPLETED))

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.IN_PROGRESS


def test_retry_lands_in_window(agent):
    from datetime import time

    from calls.policy import CallingWindow

    policy = CallPolicy(window=CallingWindow(time(0, 0), time(0, 1)), gaps_hours=(1.0,))
    call, attempt = make_call(agent, policy=policy, status=CallAttempt.Status.IN_PROGRESS)

    record_outcome(attempt.pk, Outcome.BUSY)

    retry = call.attempts.get(number=2)
    local = retry.scheduled_for.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Kolkata"))
    assert (local.hour, local.minute) <= (0, 1)
    assert retry.scheduled_for >= timezone.now() + timedelta(minutes=59)


def test_attempt_ended_signal_sent_on_commit(agent, django_capture_on_commit_callbacks):
    from calls.signals import attempt_ended

    received = []
    handler = lambda sender, **kwargs: received.append(kwargs)  # noqa: E731
    attempt_ended.connect(handler)
    _, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record_outcome(attempt.pk, Outcome.COMPLETED)
    finally:
        attempt_ended.disconnect(handler)

    assert received == [{"signal": attempt_ended, "attempt_id": attempt.pk, "call_ended": True}]
