"""Operator actions: cancel, call now, mark attempt failed."""
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.actions import ActionError, call_now, cancel_pending_attempts, mark_attempt_failed
from calls.models import Call, CallAttempt
from calls.outcomes import record_outcome
from calls.policy import CallPolicy
from tests.calls.conftest import make_call

RETRIES = CallPolicy(gaps_hours=(1.0,))


def test_cancel_ends_pending_attempts(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=timezone.now() + timedelta(hours=5))

    canceled = cancel_pending_attempts(call)

    attempt.refresh_from_db()
    call.refresh_from_db()
    assert canceled == 1
    assert attempt.status == CallAttempt.Status.CANCELED
    assert call.status == Call.Status.CANCELED


def test_cancel_final_call_is_rejected(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    record_outcome(attempt.pk, "completed")
    call.refresh_from_db()

    with pytest.raises(ActionError, match="no pending attempts"):
        cancel_pending_attempts(call)


def test_canceled_call_plans_no_retry(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.CANCELED)

    record_outcome(attempt.pk, "no_answer")

    call.refresh_from_db()
    assert call.attempts.count() == 1
    assert call.status == Call.Status.CANCELED


def test_call_now_moves_pending_attempt(agent, django_capture_on_commit_callbacks):
    call, attempt = make_call(agent, status=CallAttempt.Status.PENDING, scheduled_for=timezone.now() + timedelta(hours=5))

    with django_capture_on_commit_callbacks() as callbacks:
        call_now(call)

    attempt.refresh_from_db()
    assert attempt.status == CallAttempt.Status.QUEUED
    assert attempt.manual is True
    assert attempt.scheduled_for <= timezone.now()
    assert len(callbacks) == 1


def test_call_now_adds_attempt_to_ended_call(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    record_outcome(attempt.pk, "no_answer")
    call.refresh_from_db()

    extra = call_now(call)

    call.refresh_from_db()
    assert extra.number == 2
    assert extra.status == CallAttempt.Status.QUEUED
    assert call.status == Call.Status.SCHEDULED


def test_call_now_refused_while_dialling(agent):
    call, _ = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)

    with pytest.raises(ActionError, match="already dialling"):
        call_now(call)


def test_mark_completed_attempt_failed_schedules_retry(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)
    record_outcome(attempt.pk, "completed")
    attempt.refresh_from_db()

    mark_attempt_failed(attempt)

    attempt.refresh_from_db()
    call.refresh_from_db()
    retry = call.attempts.get(number=2)
    assert attempt.outcome == "failed"
    assert call.status == Call.Status.SCHEDULED
    assert retry.status == CallAttempt.Status.PENDING
    assert retry.scheduled_for > timezone.now() + timedelta(minutes=59)


def test_mark_in_progress_attempt_failed(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)

    mark_attempt_failed(attempt)

    attempt.refresh_from_db()
    assert attempt.outcome == "failed"
    assert call.attempts.count() == 2


def test_mark_failed_without_retries_ends_not_reached(agent):
    call, attempt = make_call(agent, status=CallAttempt.Status.IN_PROGRESS)
    record_outcome(attempt.pk, "completed")
    attempt.refresh_from_db()

    mark_attempt_failed(attempt)

    call.refresh_from_db()
    assert call.status == Call.Status.NOT_REACHED
    assert call.outcome == "failed"


def test_mark_failed_twice_is_rejected(agent):
    _, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)
    mark_attempt_failed(attempt)
    attempt.refresh_from_db()

    with pytest.raises(ActionError, match="already marked"):
        mark_attempt_failed(attempt)


def test_mark_earlier_attempt_failed_is_rejected(agent):
    call, attempt = make_call(agent, policy=RETRIES, status=CallAttempt.Status.IN_PROGRESS)
    record_outcome(attempt.pk, "busy")
    attempt.refresh_from_db()
    CallAttempt.objects.filter(pk=attempt.pk).update(outcome="completed")
    attempt.refresh_from_db()

    with pytest.raises(ActionError, match="latest attempt"):
        mark_attempt_failed(attempt)


def test_mark_pending_attempt_failed_is_rejected(agent):
    _, attempt = make_call(agent, status=CallAttempt.Status.PENDING)

    with pytest.raises(ActionError, match="in progress or has ended"):
        mark_attempt_failed(attempt)
