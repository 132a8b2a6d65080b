"""Bulk rows for the benchmarks, inserted with INSERT … SELECT generate_series (PostgreSQL)."""
import json
import uuid
from datetime import datetime

from django.db import connection

from accounts.models import ApiKey, Workspace
from agents.models import Agent, VariableMapping
from calls.policy import CallPolicy

MAPPINGS = [("name", "FirstName"), ("phone", "Phone"), ("city", "mx_City")]


def make_tenant(slug: str, max_concurrent_calls: int = 1000) -> tuple[Agent, str]:
    """Create a workspace with one simulator agent (three mapped variables) and an API key."""
    workspace = Workspace.objects.create(name=slug, slug=slug)
    agent = Agent.objects.create(workspace=workspace, name=slug, max_concurrent_calls=max_concurrent_calls)
    for position, (name, field) in enumerate(MAPPINGS):
        VariableMapping.objects.create(agent=agent, name=name, field=field, position=position)
    _, raw_key = ApiKey.issue(workspace, "bench")
    return agent, raw_key


def insert_attempts(agent: Agent, count: int, scheduled_for: datetime) -> None:
    """Insert ``count`` leads, each with a call and one pending attempt due at ``scheduled_for``."""
    tag = f"bench-{uuid.uuid4().hex[:12]}-"
    policy = json.dumps(CallPolicy(timezone="UTC").to_json())
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO calls_lead (crm, external_id, fields, received_at, agent_id, workspace_id)
               SELECT 'leadsquared', %s || g, '{}', now(), %s, %s FROM generate_series(1, %s) AS g""",
            [tag, agent.pk, agent.workspace_id, count],
        )
        cursor.execute(
            """INSERT INTO calls_call (public_id, phone, variables, policy, status, outcome, missing_fields,
                                       created_at, updated_at, agent_id, workspace_id, lead_id)
               SELECT 'call_' || md5(external_id), '+919000000001', '{}', %s, 'scheduled', '', '[]',
                      now(), now(), agent_id, workspace_id, id
               FROM calls_lead WHERE agent_id = %s AND external_id LIKE %s""",
            [policy, agent.pk, tag + "%"],
        )
        cursor.execute(
            """INSERT INTO calls_callattempt (number, status, outcome, scheduled_for, provider, provider_call_id,
                                              transcript, summary, recording_url, end_reason, error,
                                              transient_failures, resends, manual, provider_data, created_at, call_id)
               SELECT 1, 'pending', '', %s, '', '', '', '', '', '', '', 0, 0, false, '{}', now(), call.id
               FROM calls_call AS call JOIN calls_lead AS lead ON lead.id = call.lead_id
               WHERE lead.agent_id = %s AND lead.external_id LIKE %s""",
            [scheduled_for, agent.pk, tag + "%"],
        )
        cursor.execute("ANALYZE calls_lead, calls_call, calls_callattempt")


def clear_calls() -> None:
    with connection.cursor() as cursor:
        # CASCADE also empties tables that reference these, such as the CRM write-back rows.
        cursor.execute("TRUNCATE calls_callattempt, calls_call, calls_lead, webhooks_webhookdelivery CASCADE")
