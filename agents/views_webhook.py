"""The agent's Webhook URL tab: the URL builder, a key for it, and "Send test lead"."""
import logging

from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.models import ApiKey
from accounts.workspaces import member_required
from agents.test_leads import send_test_lead
from agents.views import _get_agent_for_user
from agents.webhook_urls import KEY_PLACEHOLDER, build_webhook_url
from calls.outcomes_catalog import DEFAULT_RETRY_ON, Outcome

logger = logging.getLogger(__name__)

RETRY_OUTCOMES = [(str(outcome), outcome.label) for outcome in Outcome if str(outcome) in DEFAULT_RETRY_ON]


def _builder_ctx(request, agent, data, api_key: str = "") -> dict:
    built = build_webhook_url(agent, data, api_key)
    chosen = data.getlist("retry_on") if data.get("retry_on_set") else [value for value, _ in RETRY_OUTCOMES]
    return {
        "page": "agents", "tab": "webhook", "agent": agent, "built": built, "data": data,
        "api_key": api_key, "placeholder": KEY_PLACEHOLDER, "retry_outcomes": RETRY_OUTCOMES,
        "retry_chosen": chosen, "timezone_default": agent.workspace.timezone,
    }


@member_required
def webhook(request, public_id: str):
    agent = _get_agent_for_user(request, public_id)
    ctx = _builder_ctx(request, agent, request.GET)
    template = "agents/_webhook_result.html" if request.htmx else "agents/webhook.html"
    return render(request, template, ctx)


@require_POST
@member_required
def webhook_key(request, public_id: str):
    """Issue a key and show the URL with it, this once."""
    agent = _get_agent_for_user(request, public_id)
    api_key, raw_key = ApiKey.issue(request.workspace, f"Webhook for {agent.name}"[:100])

    logger.info("API key %s issued for agent %s by user %s", api_key.pk, agent.public_id, request.user.pk)
    ctx = _builder_ctx(request, agent, request.POST, api_key=raw_key)
    ctx["key_created"] = api_key
    return render(request, "agents/_webhook_result.html", ctx)


@require_POST
@member_required
def webhook_test_lead(request, public_id: str):
    agent = _get_agent_for_user(request, public_id)
    ctx = _builder_ctx(request, agent, request.POST)
    built = ctx["built"]
    if built.errors:
        return render(request, "agents/_test_lead_result.html", {"errors": built.errors, "agent": agent})

    reply = send_test_lead(agent, built.query)
    logger.info("agent %s: test lead sent by user %s, delivery %s", agent.public_id, request.user.pk, reply.delivery.pk)
    ctx = {"agent": agent, "reply": reply, "delivery": reply.delivery, "call": reply.delivery.first_call}
    return render(request, "agents/_test_lead_result.html", ctx)
