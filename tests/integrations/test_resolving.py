"""A webhook lacking a mapped field: the call waits in resolving while the lead is looked up."""
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calls.dispatcher import run_dispatcher
from calls.models import Call, CallAttempt
from integrations.leadsquared.recovery import recover_leadsquared_work
from integrations.leadsquared.resolving import run_lookup
from integrations.models import LeadLookup
from tests.conftest import load_fixture
from tests.factories import issue_key
from webhooks.models import WebhookDelivery

PARTIAL_LEAD_ID = "7a2c9e10-5b3d-4f6a-8e7b-1c2d3e4f5a6b"


@pytest.fixture
def full_lead(stub):
    """The lead of the wrapped automation body, as LeadSquared stores it (with every field)."""
    lead = dict(load_fixture("lead-created-wrapped.json")["Current"])
    lead.update({"Company": "Kumar Exports", "mx_City": "Chennai", "mx_Product_Interest": "Car loan"})
    stub.add_lead(lead)
    return lead


def post_partial_lead(agent, workspace):
    client = APIClient()
    body = json.dumps(load_fixture("lead-created-wrapped.json"))
    url = f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={issue_key(workspace)}"
    return client.post(url, data=body, content_type="application/json")


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_partial_webhook_answers_resolving(db, agent, workspace, connected, full_lead):
    response = post_partial_lead(agent, workspace)

    body = response.json()
    call = Call.objects.get(public_id=body["call_id"])
    assert response.status_code == 200
    assert body["status"] == "resolving"
    assert body["missing_fields"] == ["Company", "mx_City", "mx_Product_Interest"]
    assert call.status == Call.Status.RESOLVING
    assert call.attempts.count() == 0
    assert LeadLookup.objects.filter(call=call, status=LeadLookup.Status.PENDING).exists()


def test_delivery_log_counts_resolving_call(db, agent, workspace, connected, full_lead):
    post_partial_lead(agent, workspace)

    delivery = WebhookDelivery.objects.get()
    assert delivery.result == WebhookDelivery.Result.SCHEDULED
    assert delivery.calls_created == 1
    assert "looking up Company, mx_City, mx_Product_Interest" in delivery.reason


def test_without_connection_schedules_at_once(db, agent, workspace, full_lead):
    response = post_partial_lead(agent, workspace)

    assert response.json()["status"] == "scheduled"
    assert LeadLookup.objects.count() == 0


def test_complete_webhook_needs_no_lookup(db, agent, workspace, connected):
    client = APIClient()
    url = f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={issue_key(workspace)}"

    response = client.post(url, data=json.dumps(load_fixture("lead-created.json")), content_type="application/json")

    assert response.json()["status"] == "scheduled"
    assert LeadLookup.objects.count() == 0


def test_lookup_fills_variables(db, agent, workspace, connected, full_lead, stub):
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()

    run_lookup(lookup.pk)

    call = Call.objects.get()
    attempt = call.attempts.get()
    lookup.refresh_from_db()
    assert call.status == Call.Status.SCHEDULED
    assert call.variables["city"] == "Chennai"
    assert call.variables["company"] == "Kumar Exports"
    assert call.variables["product_interest"] == "Car loan"
    assert call.missing_fields == []
    assert attempt.number == 1
    assert attempt.scheduled_for == call.lead.received_at
    assert lookup.status == LeadLookup.Status.DONE
    assert stub.requests_to("LeadManagement.svc/Leads.GetById")[0].query == {"id": PARTIAL_LEAD_ID}


def test_lookup_keeps_webhook_values(db, agent, workspace, connected, full_lead, stub):
    full_lead["FirstName"] = "Changed later"
    stub.add_lead(full_lead)
    post_partial_lead(agent, workspace)

    run_lookup(LeadLookup.objects.get().pk)

    assert Call.objects.get().variables["name"] == "Ravi"


def test_lookup_uses_window(db, agent, workspace, connected, full_lead):
    client = APIClient()
    now_ist = timezone.now().astimezone(timezone.get_fixed_timezone(330))
    start = (now_ist + timedelta(hours=2)).strftime("%H:%M")
    end = (now_ist + timedelta(hours=3)).strftime("%H:%M")
    url = (
        f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={issue_key(workspace)}"
        f"&min_trigger_time={start}&max_trigger_time={end}&carry_over=true"
    )
    client.post(url, data=json.dumps(load_fixture("lead-created-wrapped.json")), content_type="application/json")

    run_lookup(LeadLookup.objects.get().pk)

    attempt = CallAttempt.objects.get()
    assert attempt.status == CallAttempt.Status.PENDING
    assert attempt.scheduled_for > timezone.now() + timedelta(minutes=100)


def test_lookup_twice_schedules_once(db, agent, workspace, connected, full_lead, stub):
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()

    run_lookup(lookup.pk)
    run_lookup(lookup.pk)

    assert CallAttempt.objects.count() == 1
    assert len(stub.requests_to("LeadManagement.svc/Leads.GetById")) == 1


def test_outage_retries_then_proceeds(db, agent, workspace, connected, full_lead, stub, settings):
    settings.LEADSQUARED_LOOKUP_TRIES = 3
    stub.answer_with(500)
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()

    for _ in range(3):
        LeadLookup.objects.filter(pk=lookup.pk).update(next_try_at=timezone.now())
        run_lookup(lookup.pk)

    call = Call.objects.get()
    lookup.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert len(stub.requests_to("LeadManagement.svc/Leads.GetById")) == 3
    assert call.status == Call.Status.SCHEDULED
    assert call.attempts.count() == 1
    assert call.variables["city"] == ""
    assert call.missing_fields == ["Company", "mx_City", "mx_Product_Interest"]
    assert lookup.status == LeadLookup.Status.DONE
    assert "failed after 3 tries" in lookup.last_error
    assert "scheduled without the fields Company, mx_City, mx_Product_Interest" in delivery.reason


def test_outage_waits_between_tries(db, agent, workspace, connected, full_lead, stub, settings):
    settings.LEADSQUARED_RETRY_BACKOFF = 30.0
    stub.answer_with(500)
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()

    run_lookup(lookup.pk)
    run_lookup(lookup.pk)

    lookup.refresh_from_db()
    assert lookup.status == LeadLookup.Status.PENDING
    assert lookup.tries == 1
    assert lookup.next_try_at >= timezone.now() + timedelta(seconds=10)
    assert "failed with 500" in lookup.last_error
    assert len(stub.requests_to("LeadManagement.svc/Leads.GetById")) == 1


def test_unknown_lead_proceeds(db, agent, workspace, connected, stub):
    post_partial_lead(agent, workspace)

    run_lookup(LeadLookup.objects.get().pk)

    call = Call.objects.get()
    assert call.status == Call.Status.SCHEDULED
    assert "has no lead with id" in WebhookDelivery.objects.get().reason


def test_do_not_call_in_crm_cancels(db, agent, workspace, connected, full_lead, stub):
    full_lead["DoNotCall"] = "1"
    stub.add_lead(full_lead)
    post_partial_lead(agent, workspace)

    run_lookup(LeadLookup.objects.get().pk)

    call = Call.objects.get()
    assert call.status == Call.Status.CANCELED
    assert call.attempts.count() == 0


def test_recovery_requeues_lost_lookup(db, agent, workspace, connected, full_lead):
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()
    LeadLookup.objects.filter(pk=lookup.pk).update(next_try_at=timezone.now() - timedelta(minutes=5))

    counts = run_dispatcher()

    lookup.refresh_from_db()
    assert counts["lookups_requeued"] == 1
    assert lookup.next_try_at > timezone.now() - timedelta(seconds=30)


def test_recovery_restarts_interrupted_lookup(db, agent, workspace, connected, full_lead):
    post_partial_lead(agent, workspace)
    lookup = LeadLookup.objects.get()
    LeadLookup.objects.filter(pk=lookup.pk).update(
        status=LeadLookup.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=10),
    )

    counts = recover_leadsquared_work(timezone.now(), 100)

    lookup.refresh_from_db()
    assert lookup.status == LeadLookup.Status.PENDING
    assert counts["lookups_requeued"] == 1


def test_resolved_by_worker(crm_worker, agent, workspace, connected, full_lead):
    """End to end: the webhook returns resolving, and a real worker looks the lead up and schedules the call."""
    response = post_partial_lead(agent, workspace)
    call_id = response.json()["call_id"]

    attempted = wait_for(lambda: CallAttempt.objects.filter(call__public_id=call_id).exists())

    call = Call.objects.get(public_id=call_id)
    assert attempted
    assert call.variables["city"] == "Chennai"
    assert call.status != Call.Status.RESOLVING
