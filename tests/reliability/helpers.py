"""Builders shared by the fault tests: agents, leads posted through the webhook, due attempts."""
import json
import uuid
from datetime import timedelta

from django.utils import timezone

from calls.models import Call, CallAttempt, Lead
from calls.policy import CallPolicy

WEBHOOK = "/call/crm-webhook"


def lead_body(phone: str = "+919000000001", prospect_id: str | None = None) -> dict:
    return {
        "ProspectID": prospect_id or str(uuid.uuid4()),
        "FirstName": "Asha",
        "Phone": phone,
        "mx_City": "Pune",
    }


def webhook_url(agent, api_key: str, **parameters) -> str:
    query = "&".join(f"{name}={value}" for name, value in parameters.items())
    url = f"{WEBHOOK}?agent_id={agent.public_id}&type=leadsquared&x_api_key={api_key}"
    return f"{url}&{query}" if query else url


def encode(body: dict) -> bytes:
    return json.dumps(body).encode()


def make_due_attempts(agent, count: int, due_in: timedelta = timedelta(seconds=-1)) -> list[int]:
    """Insert ``count`` leads with one pending attempt each, due at now + ``due_in``."""
    now = timezone.now()
    policy = CallPolicy(timezone="UTC").to_json()
    leads = Lead.objects.bulk_create([
        Lead(workspace=agent.workspace, agent=agent, external_id=f"bulk-{uuid.uuid4().hex}", received_at=now)
        for _ in range(count)
    ], batch_size=2000)
    calls = Call.objects.bulk_create([
        Call(workspace=agent.workspace, agent=agent, lead=lead, phone="+919000000001", policy=policy)
        for lead in leads
    ], batch_size=2000)
    attempts = CallAttempt.objects.bulk_create([
        CallAttempt(call=call, number=1, scheduled_for=now + due_in) for call in calls
    ], batch_size=2000)
    return [attempt.pk for attempt in attempts]
