"""Processing one authenticated delivery for an agent: parameters, body, leads, log row.

The webhook view calls this after it has checked the key, ``type`` and ``agent_id``; the
dashboard's "Send test lead" button calls it with the signed-in member's agent. Both
paths write the same WebhookDelivery row.
"""
from dataclasses import dataclass

from django.db import transaction

from callkaro.nul import replace_nul
from calls.intake import accept_lead
from calls.policy import CallingWindow
from calls.tasks import enqueue_place_call
from integrations.payloads import PayloadError
from integrations.registry import get_crm
from webhooks.deliveries import DeliveryRecord
from webhooks.models import WebhookDelivery
from webhooks.params import parse_parameters

Result = WebhookDelivery.Result


@dataclass
class Reply:
    """The HTTP response to a delivery and the log row written for it."""

    status: int
    body: dict
    delivery: WebhookDelivery


def agent_default_window(agent) -> CallingWindow | None:
    """Return the agent's default calling window, used when the URL sets no trigger times."""
    if agent.window_start is None or agent.window_end is None:
        return None
    return CallingWindow(agent.window_start, agent.window_end)


def error_reply(record: DeliveryRecord, status: int, result: str, code: str, message: str, **extra) -> Reply:
    body = {"error": code, "message": message, **extra}
    delivery = record.save(status, result, message, body)
    return Reply(status, body, delivery)


def receive_delivery(record: DeliveryRecord, agent, crm_type: str, query, raw_body: bytes, content_type: str) -> Reply:
    """Read the advanced parameters in ``query``, then turn ``raw_body`` into leads and calls."""
    parsed = parse_parameters(
        query, default_timezone=agent.workspace.timezone, default_window=agent_default_window(agent),
    )
    if parsed.errors:
        return error_reply(
            record, 400, Result.INVALID, "invalid_parameters",
            " ".join(error.message for error in parsed.errors),
            errors=[error.to_json() for error in parsed.errors],
        )
    return accept(record, agent, crm_type, parsed.policy, raw_body, content_type)


def accept(record: DeliveryRecord, agent, crm_type: str, policy, raw_body: bytes, content_type: str) -> Reply:
    crm = get_crm(crm_type)
    try:
        # PostgreSQL cannot store NUL in the lead's fields (jsonb) or the delivery log.
        leads = replace_nul(crm.leads_from_body(raw_body, content_type))
    except PayloadError as error:
        body = {"status": "rejected", "reason": f"unreadable_body: {error}"}
        delivery = record.save(200, Result.REJECTED, body["reason"], body)
        return Reply(200, body, delivery)

    results = []
    with transaction.atomic():
        for fields in leads:
            result = accept_lead(agent, fields, policy, crm=crm_type, crm_lead_id=crm.lead_id(fields))
            if result.enqueue_now:
                attempt_id = result.first_attempt.pk
                transaction.on_commit(lambda attempt_id=attempt_id: enqueue_place_call(attempt_id))
            results.append(result)
        body = results[0].to_json() if len(results) == 1 else {"results": [r.to_json() for r in results]}
        record.leads_received = len(results)
        record.calls_created = sum(1 for r in results if r.status in ("scheduled", "resolving"))
        record.first_call = next((r.call for r in results if r.call is not None), None)
        delivery = record.save(200, summarize(results), "; ".join(r.reason for r in results if r.reason), body)
    return Reply(200, body, delivery)


def summarize(results) -> str:
    # A resolving lead has its call; it is scheduled once its missing fields are looked up.
    statuses = {Result.SCHEDULED if result.status == "resolving" else result.status for result in results}
    for status in (Result.SCHEDULED, Result.DUPLICATE):
        if status in statuses:
            return status
    return Result.REJECTED
