"""Screenshots of the main pages, with two weeks of calls, at laptop and phone width.

Set CALLKARO_SCREENSHOTS to a folder (docs/screenshots for the docs) to keep them;
without it they go to a temporary folder, and the test still checks that every page
renders in the browser.
"""
import os
import random
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from agents.models import VariableMapping
from calls.models import Call, CallAttempt, Lead
from calls.outcomes_catalog import Outcome
from calls.policy import CallPolicy
from calls.providers.simulator import simulated_transcript
from integrations.models import LeadSquaredConnection
from tests.e2e.conftest import PHONE
from tests.factories import agent_with_mappings
from webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Asha Verma", "Ravi Kumar", "Meera Iyer", "Kiran Rao", "Sanjay Patel", "Priya Nair", "Arjun Mehta",
         "Divya Shah", "Rahul Gupta", "Neha Joshi", "Vikram Singh", "Anita Das"]
CITIES = ["Pune", "Mumbai", "Bengaluru", "Chennai", "Delhi", "Hyderabad"]
NOT_REACHED = [Outcome.NO_ANSWER, Outcome.BUSY, Outcome.VOICEMAIL]


def seed_history(workspace, agents, days=14, seed=7):
    """Leads and calls over the last ``days`` days; the same data on every run."""
    rng = random.Random(seed)
    now = timezone.now()
    serial = 0
    for day in range(days - 1, -1, -1):
        for _ in range(rng.randint(2, 7) if day else 4):
            serial += 1
            agent = agents[serial % len(agents)]
            first, last = rng.choice(NAMES).split()
            received = now - timedelta(days=day, minutes=rng.randint(10, 500)) if day else now - timedelta(minutes=15 * serial % 300)
            phone = f"+9198{rng.randint(10000000, 99999999)}"
            fields = {"ProspectID": f"lead-{serial}", "FirstName": first, "LastName": last, "Phone": phone,
                      "EmailAddress": f"{first.lower()}@example.com", "Company": "Example Traders",
                      "mx_City": rng.choice(CITIES), "mx_Product_Interest": "Home loan", "mx_Budget": "2500000"}
            lead = Lead.objects.create(workspace=workspace, agent=agent, external_id=f"lead-{serial}", fields=fields,
                                       received_at=received)
            variables = {"name": first, "phone": phone, "city": fields["mx_City"], "product_interest": "Home loan"}
            policy = CallPolicy(timezone=workspace.timezone, gaps_hours=(2.0, 4.0))
            reached = rng.random() < 0.6
            call = Call.objects.create(
                workspace=workspace, agent=agent, lead=lead, phone=phone, variables=variables, policy=policy.to_json(),
                status=Call.Status.COMPLETED if reached else Call.Status.SCHEDULED,
                outcome=Outcome.COMPLETED if reached else rng.choice(NOT_REACHED),
            )
            Call.objects.filter(pk=call.pk).update(created_at=received)
            started = received + timedelta(seconds=20)
            CallAttempt.objects.create(
                call=call, number=1, status=CallAttempt.Status.ENDED, outcome=call.outcome, scheduled_for=received,
                started_at=started, ended_at=started + timedelta(seconds=64 if reached else 25), provider="simulator",
                duration_seconds=64.0 if reached else 0.0, end_reason=f"simulated_{call.outcome}",
                transcript=simulated_transcript(variables) if reached else "",
                summary="The lead asked for details; follow-up promised." if reached else "",
            )
            if not reached:
                CallAttempt.objects.create(call=call, number=2, scheduled_for=now + timedelta(hours=rng.randint(1, 20)))
            WebhookDelivery.objects.create(
                workspace=workspace, agent=agent, received_at=received, method="POST",
                url=f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key=[redacted]",
                content_type="application/json", body="{}", status_code=200, result=WebhookDelivery.Result.SCHEDULED,
                leads_received=1, calls_created=1, first_call=call,
            )
    WebhookDelivery.objects.create(
        workspace=workspace, agent=agents[0], method="POST",
        url=f"/call/crm-webhook?agent_id={agents[0].public_id}&type=leadsquared&x_api_key=[redacted]",
        content_type="application/x-www-form-urlencoded", body="FirstName=Test&Phone=123", status_code=200,
        result=WebhookDelivery.Result.REJECTED,
        reason="no_valid_phone: no valid phone number for region IN (Phone='123')",
    )
    WebhookDelivery.objects.create(
        workspace=workspace, agent=agents[1], method="POST",
        url=f"/call/crm-webhook?agent_id={agents[1].public_id}&type=leadsquared&x_api_key=[redacted]&num_of_retries=3&gap_between_retries=2,4",
        content_type="application/json", body="{}", status_code=400, result=WebhookDelivery.Result.INVALID,
        reason="gap_between_retries lists 2 gaps but num_of_retries is 3; give exactly one gap per retry.",
    )


@pytest.fixture
def shots_dir(tmp_path):
    folder = Path(os.environ.get("CALLKARO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshots(page, agent, workspace, shots_dir):
    second = agent_with_mappings(
        workspace=workspace, name="Renewals agent", provider="retell", provider_api_key="key_demo",
        provider_settings={"agent_id": "agent_8f1c2d", "from_number": "+14157774444"},
        window_start=time(9, 0), window_end=time(18, 0),
    )
    VariableMapping.objects.create(agent=agent, name="budget", field="mx_Budget", format="number_words", position=10)
    VariableMapping.objects.create(agent=agent, name="budget_text", field="mx_Product_Interest", format="number_indian", position=11)
    LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key="a", secret_key="b",
        status=LeadSquaredConnection.Status.CONNECTED, last_checked_at=timezone.now() - timedelta(minutes=12),
    )
    seed_history(workspace, [agent, second])
    call = Call.objects.filter(agent=agent, status=Call.Status.COMPLETED).order_by("-created_at").first()

    shots = {
        "overview": "/",
        "agent-variables": f"/agents/{agent.public_id}/variables/",
        "webhook-builder": f"/agents/{agent.public_id}/webhook/?min_trigger_time=09:00&max_trigger_time=18:00"
                           "&carry_over=true&num_of_retries=3&gap_between_retries=2,4,6",
        "calls": "/calls/",
        "call": f"/calls/{call.public_id}/",
        "integrations": "/integrations/leadsquared/",
        "deliveries": "/deliveries/",
        "agents": "/agents/",
        "agent-settings": f"/agents/{second.public_id}/",
        "api-keys": "/api-keys/",
    }
    for name, path in shots.items():
        response = page.goto(path)
        assert response.status == 200, name
        page.wait_for_load_state("networkidle")
        if name == "call":
            page.click("details summary >> text=Transcript")
        page.screenshot(path=str(shots_dir / f"{name}.png"), full_page=True)

    phone = page.context.browser.new_context(viewport=PHONE, base_url=page.url.split("/api-keys")[0])
    phone.add_cookies(page.context.cookies())
    tab = phone.new_page()
    assert tab.goto("/").status == 200
    tab.screenshot(path=str(shots_dir / "overview-phone.png"), full_page=True)
    phone.close()

    assert sorted(path.name for path in shots_dir.glob("*.png")) == sorted([*(f"{n}.png" for n in shots), "overview-phone.png"])
