"""Overview, call history with filters and the call page's actions."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, CallAttempt
from calls.outcomes_catalog import Outcome
from tests.dashboard.conftest import make_call
from tests.factories import AgentFactory


def test_overview_counts_today(owner_client, ended_call, pending_call):
    page = owner_client.get(reverse("overview")).content.decode()

    assert 'id="stat-leads">2<' in page
    assert 'id="stat-placed">1<' in page
    assert 'id="stat-reached">1<' in page
    assert 'id="stat-not-reached">0<' in page
    assert "<svg" in page
    assert reverse("call-detail", args=[pending_call.public_id]) in page


def test_overview_empty_state(owner_client, workspace):
    page = owner_client.get(reverse("overview")).content.decode()

    assert "Get set up" in page
    assert "Create an agent" in page
    assert "No leads or calls in the last 14 days" in page


def test_overview_pending_retries(owner_client, ended_call):
    CallAttempt.objects.create(call=ended_call, number=2, scheduled_for=timezone.now() + timedelta(hours=2))

    page = owner_client.get(reverse("overview")).content.decode()

    assert 'id="stat-retries">1<' in page


def test_call_list_shows_calls(teammate_client, pending_call, ended_call):
    page = teammate_client.get(reverse("calls")).content.decode()

    assert pending_call.public_id in page
    assert ended_call.public_id in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "completed"}, {"Ravi"}),
        ({"outcome": "completed"}, {"Ravi"}),
        ({"status": "scheduled"}, {"Asha"}),
        ({"q": "asha"}, {"Asha"}),
        ({"q": "98765"}, {"Asha", "Ravi"}),
        ({"q": "+91 99999 11111"}, set()),
    ],
)
def test_call_list_filters(params, expected, owner_client, pending_call, ended_call):
    page = owner_client.get(reverse("calls"), params).content.decode()

    shown = {name for name in ("Asha", "Ravi") if f"<strong>{name}</strong>" in page}
    assert shown == expected


def test_call_list_filter_agent(owner_client, pending_call, workspace):
    other = AgentFactory(workspace=workspace, name="Other agent")
    make_call(other, name="Kiran", external_id="k")

    page = owner_client.get(reverse("calls"), {"agent": other.public_id}).content.decode()

    assert "<strong>Kiran</strong>" in page
    assert "<strong>Asha</strong>" not in page


def test_call_list_filter_dates(owner_client, pending_call, ended_call):
    Call.objects.filter(pk=ended_call.pk).update(created_at=timezone.now() - timedelta(days=10))
    start = (timezone.now() - timedelta(days=12)).date().isoformat()
    end = (timezone.now() - timedelta(days=8)).date().isoformat()

    page = owner_client.get(reverse("calls"), {"date_from": start, "date_to": end}).content.decode()

    assert "<strong>Ravi</strong>" in page
    assert "<strong>Asha</strong>" not in page


def test_call_list_reversed_dates_error(owner_client, pending_call):
    page = owner_client.get(reverse("calls"), {"date_from": "2026-12-10", "date_to": "2026-12-01"}).content.decode()

    assert "is before" in page


def test_call_list_paginates(owner_client, agent):
    for number in range(30):
        make_call(agent, name=f"Lead{number:02d}", external_id=f"lead-{number}")

    first = owner_client.get(reverse("calls")).content.decode()
    second = owner_client.get(reverse("calls"), {"page": 2}).content.decode()

    assert "1–25 of 30" in first
    assert "26–30 of 30" in second
    assert "<strong>Lead00</strong>" in second


def test_call_list_empty_state(owner_client, workspace):
    page = owner_client.get(reverse("calls")).content.decode()

    assert "No calls yet" in page


def test_call_page_shows_attempt(owner_client, ended_call):
    page = owner_client.get(reverse("call-detail", args=[ended_call.public_id])).content.decode()

    assert "Agent: Hello Ravi." in page
    assert "https://recordings.example.com/1.mp3" in page
    assert "42 s" in page
    assert "Mark attempt as failed" in page
    assert 'id="variables-sent"' in page
    assert "mx_City" in page


def test_call_page_polls_while_active(owner_client, pending_call, ended_call):
    active = owner_client.get(reverse("call-detail", args=[pending_call.public_id])).content.decode()
    final = owner_client.get(reverse("call-detail", args=[ended_call.public_id])).content.decode()

    assert 'hx-trigger="every 15s"' in active
    assert "hx-trigger=\"every" not in final


def test_call_page_htmx_returns_live_part(owner_client, pending_call):
    response = owner_client.get(reverse("call-detail", args=[pending_call.public_id]), headers={"HX-Request": "true"})

    assert response.content.decode().startswith('<div id="call-live"')


def test_cancel_pending(teammate_client, pending_call):
    response = teammate_client.post(reverse("call-cancel", args=[pending_call.public_id]), follow=True)

    pending_call.refresh_from_db()
    assert pending_call.status == "canceled"
    assert pending_call.attempts.get().status == "canceled"
    assert "Pending attempts canceled." in response.content.decode()


def test_cancel_final_call_shows_error(owner_client, ended_call):
    response = owner_client.post(reverse("call-cancel", args=[ended_call.public_id]), follow=True)

    assert "This call has no pending attempts to cancel." in response.content.decode()
    ended_call.refresh_from_db()
    assert ended_call.status == "completed"


def test_call_now_queues_pending(owner_client, pending_call):
    owner_client.post(reverse("call-now", args=[pending_call.public_id]))

    attempt = pending_call.attempts.get()
    assert attempt.status == "queued"
    assert attempt.manual is True


def test_mark_failed_plans_retry(owner_client, ended_call):
    attempt = ended_call.attempts.get()

    response = owner_client.post(reverse("attempt-mark-failed", args=[ended_call.public_id, attempt.pk]), follow=True)

    attempt.refresh_from_db()
    assert attempt.outcome == Outcome.FAILED
    retry = ended_call.attempts.get(number=2)
    assert retry.status == "pending"
    assert "Attempt 1 marked as failed" in response.content.decode()


def test_mark_failed_twice_shows_error(owner_client, ended_call):
    attempt = ended_call.attempts.get()
    url = reverse("attempt-mark-failed", args=[ended_call.public_id, attempt.pk])
    owner_client.post(url)

    response = owner_client.post(url, follow=True)

    assert "already marked as failed" in response.content.decode()


def test_attempt_of_other_call_404(owner_client, pending_call, ended_call):
    attempt = ended_call.attempts.get()

    response = owner_client.post(reverse("attempt-mark-failed", args=[pending_call.public_id, attempt.pk]))

    assert response.status_code == 404


def test_call_page_no_script_recording_link(owner_client, ended_call):
    ended_call.attempts.update(recording_url="javascript:alert(1)")

    page = owner_client.get(reverse("call-detail", args=[ended_call.public_id])).content.decode()

    assert 'href="javascript:' not in page
    assert "<code>javascript:alert(1)</code>" in page
