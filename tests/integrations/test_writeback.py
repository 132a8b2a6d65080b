"""Write-backs: one LeadSquared activity per ended attempt, never posted twice."""
import re
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection as db_connection, transaction
from django.utils import timezone

from calls.intake import accept_lead
from calls.models import CallAttempt
from calls.outcomes import record_outcome
from calls.outcomes_catalog import Outcome
from calls.policy import CallPolicy
from integrations.leadsquared.activity import create_activity_type, set_activity_event_code
from integrations.leadsquared.recovery import recover_leadsquared_work
from integrations.leadsquared.writeback import plan_write_back, send
from integrations.models import LeadSquaredConnection, WriteBack
from tests.conftest import load_fixture

LEAD_ID = "5d1b7c2e-0a4f-4e8b-9c1d-3f2a6b7c8d90"
RECORDING = "https://recordings.example.com/call-1.mp3"
Status = WriteBack.Status


def new_call(agent, crm_lead_id=LEAD_ID, gaps=(2.0,)):
    with transaction.atomic():
        result = accept_lead(
            agent, load_fixture("lead-created.json"), CallPolicy(gaps_hours=tuple(gaps)),
            crm="leadsquared", crm_lead_id=crm_lead_id,
        )
    return result.call


def end_attempt(call, number, outcome, **details) -> CallAttempt:
    attempt = call.attempts.get(number=number)
    CallAttempt.objects.filter(pk=attempt.pk).update(status=CallAttempt.Status.DIALING, started_at=timezone.now())
    record_outcome(attempt.pk, outcome, **details)
    return attempt


def first_attempt_ended(agent, **details):
    call = new_call(agent)
    details = {"duration_seconds": 83, "summary": "Asked to call back after the weekend.", "recording_url": RECORDING, **details}
    return end_attempt(call, 1, Outcome.NO_ANSWER, **details)


def test_activity_posted_for_attempt(db, agent, connected, stub):
    attempt = first_attempt_ended(agent)

    send(plan_write_back(attempt.pk, call_ended=False).pk)

    activity = stub.activities[0]
    note = activity["ActivityNote"]
    assert activity["RelatedProspectId"] == LEAD_ID
    assert activity["ActivityEvent"] == 201
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", activity["ActivityDateTime"])
    assert "AI call attempt 1 of 2: No answer" in note
    assert "Duration: 1 min 23 s" in note
    assert "Summary: Asked to call back after the weekend." in note
    assert f"Recording: {RECORDING}" in note
    assert re.search(r"Next attempt: \d{4}-\d\d-\d\d \d\d:\d\d Asia/Kolkata", note)
    assert "Final result" not in note


def test_row_records_activity_id(db, agent, connected, stub):
    attempt = first_attempt_ended(agent)
    write_back = plan_write_back(attempt.pk, call_ended=False)

    send(write_back.pk)

    write_back.refresh_from_db()
    assert write_back.status == Status.SENT
    assert write_back.activity_id == stub.activities[0]["Id"]
    assert write_back.sent_at is not None
    assert write_back.request_body["ActivityEvent"] == 201


def test_one_activity_per_attempt(db, agent, connected, stub):
    first = first_attempt_ended(agent)
    send(plan_write_back(first.pk, call_ended=False).pk)
    second = end_attempt(first.call, 2, Outcome.COMPLETED, duration_seconds=40, transcript="Agent: Hello. Lead: Hi.")

    send(plan_write_back(second.pk, call_ended=True).pk)

    notes = [activity["ActivityNote"] for activity in stub.activities]
    assert len(notes) == 2
    assert "AI call attempt 2 of 2: Completed" in notes[1]
    assert "Transcript excerpt: Agent: Hello. Lead: Hi." in notes[1]
    assert "Final result: Completed after 2 attempt(s)" in notes[1]


def test_final_not_reached(db, agent, connected, stub):
    call = new_call(agent, gaps=())
    attempt = end_attempt(call, 1, Outcome.BUSY)

    send(plan_write_back(attempt.pk, call_ended=True).pk)

    assert "Final result: Not reached after 1 attempt(s)" in stub.activities[0]["ActivityNote"]


def test_task_twice_posts_once(db, agent, connected, stub):
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)
    send(write_back.pk)

    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 1


def test_signal_twice_plans_once(db, agent, connected):
    attempt = first_attempt_ended(agent)

    first = plan_write_back(attempt.pk, call_ended=False)
    second = plan_write_back(attempt.pk, call_ended=False)

    assert first is not None
    assert second is None
    assert WriteBack.objects.count() == 1


def test_concurrent_tasks_post_once(transactional_db, agent, connected, stub):
    # Committed for real here, so the attempt_ended receiver has planned the row already.
    write_back = WriteBack.objects.get(attempt=first_attempt_ended(agent))
    start = threading.Barrier(5)

    def run():
        try:
            start.wait(timeout=10)
            send(write_back.pk)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # The session's worker may be posting too (the receiver enqueued the task); let it finish.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and WriteBack.objects.filter(status__in=[Status.PENDING, Status.SENDING]).exists():
        time.sleep(0.1)

    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 1
    assert WriteBack.objects.get().status == Status.SENT


def test_timeout_after_sending_is_unknown(db, agent, connected, stub, settings):
    settings.LEADSQUARED_READ_TIMEOUT = 0.3
    stub.slow(1.5, times=1)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)
    WriteBack.objects.filter(pk=write_back.pk).update(next_try_at=timezone.now() - timedelta(hours=1))
    send(write_back.pk)
    recovered = recover_leadsquared_work(timezone.now(), 100)

    write_back.refresh_from_db()
    assert write_back.status == Status.UNKNOWN
    assert "not posted again" in write_back.last_error
    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 1
    assert recovered["write_backs_requeued"] == 0


def test_429_retried_later(db, agent, connected, stub):
    stub.answer_with(429, times=1)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)
    write_back.refresh_from_db()
    status_after_429 = write_back.status
    WriteBack.objects.filter(pk=write_back.pk).update(next_try_at=timezone.now())
    send(write_back.pk)

    write_back.refresh_from_db()
    assert status_after_429 == Status.PENDING
    assert write_back.status == Status.SENT
    assert write_back.tries == 2
    assert len(stub.activities) == 1


def test_5xx_waits_with_backoff(db, agent, connected, stub, settings):
    settings.LEADSQUARED_RETRY_BACKOFF = 20.0
    stub.answer_with(503, times=1)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)
    send(write_back.pk)

    write_back.refresh_from_db()
    assert write_back.status == Status.PENDING
    assert write_back.next_try_at >= timezone.now() + timedelta(seconds=5)
    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 1


def test_5xx_until_last_try_fails(db, agent, connected, stub, settings):
    settings.LEADSQUARED_WRITE_BACK_TRIES = 2
    stub.answer_with(500)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    for _ in range(3):
        WriteBack.objects.filter(pk=write_back.pk).update(next_try_at=timezone.now())
        send(write_back.pk)

    write_back.refresh_from_db()
    assert write_back.status == Status.FAILED
    assert "after 2 tries" in write_back.last_error
    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 2


def test_401_fails_and_marks_connection(db, agent, connected, stub):
    stub.answer_with(401)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)

    write_back.refresh_from_db()
    connected.refresh_from_db()
    assert write_back.status == Status.FAILED
    assert connected.status == LeadSquaredConnection.Status.INVALID
    assert "Invalid access key or secret key" in connected.last_error


def test_without_activity_type_fails(db, agent, connected, stub):
    LeadSquaredConnection.objects.filter(pk=connected.pk).update(activity_event_code=None)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)

    write_back.refresh_from_db()
    assert write_back.status == Status.FAILED
    assert "No activity type is set" in write_back.last_error
    assert stub.received == []


@pytest.mark.parametrize("status", [LeadSquaredConnection.Status.UNCHECKED, LeadSquaredConnection.Status.INVALID])
def test_untested_connection_not_used(db, agent, connected, stub, status):
    LeadSquaredConnection.objects.filter(pk=connected.pk).update(status=status)
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)

    send(write_back.pk)

    write_back.refresh_from_db()
    assert write_back.status == Status.FAILED
    assert "Test connection" in write_back.last_error
    assert stub.received == []


def test_lead_without_prospect_id_skipped(db, agent, connected):
    call = new_call(agent, crm_lead_id=None)
    attempt = end_attempt(call, 1, Outcome.NO_ANSWER)

    assert plan_write_back(attempt.pk, call_ended=False) is None


def test_workspace_without_connection_skipped(db, agent, stub):
    attempt = first_attempt_ended(agent)

    assert plan_write_back(attempt.pk, call_ended=False) is None


def test_recovery_marks_stuck_sending_unknown(db, agent, connected):
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)
    WriteBack.objects.filter(pk=write_back.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=10),
    )

    counts = recover_leadsquared_work(timezone.now(), 100)

    write_back.refresh_from_db()
    assert counts["write_backs_unknown"] == 1
    assert write_back.status == Status.UNKNOWN


def test_recovery_requeues_lost_pending(db, agent, connected):
    write_back = plan_write_back(first_attempt_ended(agent).pk, call_ended=False)
    WriteBack.objects.filter(pk=write_back.pk).update(next_try_at=timezone.now() - timedelta(minutes=5))

    counts = recover_leadsquared_work(timezone.now(), 100)

    assert counts["write_backs_requeued"] == 1


def test_create_activity_type_stores_code(db, connection, stub):
    code = create_activity_type(connection)

    connection.refresh_from_db()
    request = stub.requests_to("ProspectActivity.svc/CreateType")[0]
    assert connection.activity_event_code == code
    assert request.body["ActivityEventName"] == "AI phone call"
    assert request.body["Direction"] == 1


@pytest.mark.parametrize("code", ["", "abc", "0", "-5"])
def test_set_activity_event_code_rejects(db, connection, code):
    with pytest.raises(ValueError) as raised:
        set_activity_event_code(connection, code)

    assert "activity event code" in str(raised.value)


def test_outcome_written_back_by_worker(crm_worker, agent, connected, stub):
    """End to end: recording an outcome sends attempt_ended, and the worker posts the activity."""
    attempt = first_attempt_ended(agent)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not WriteBack.objects.filter(attempt=attempt, status=Status.SENT).exists():
        time.sleep(0.1)

    assert WriteBack.objects.get(attempt=attempt).status == Status.SENT
    assert len(stub.requests_to("ProspectActivity.svc/Create")) == 1


def test_write_back_task_uses_crm_queue(settings):
    from callkaro import settings as production
    from callkaro.celery import app

    write_back_route = app.amqp.router.route({}, "integrations.leadsquared.send_write_back")
    lookup_route = app.amqp.router.route({}, "integrations.leadsquared.lookup_lead")

    assert production.LEADSQUARED_TASK_QUEUE == "crm"
    assert production.CELERY_TASK_ROUTES["integrations.leadsquared.send_write_back"] == {"queue": "crm"}
    assert write_back_route["queue"].name == settings.LEADSQUARED_TASK_QUEUE
    assert lookup_route["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
