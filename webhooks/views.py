"""``/call/crm-webhook``: where LeadSquared posts new leads.

Configuration errors (key, agent, parameters, type) get a 4xx response with a JSON body naming
the parameter and the fix, so LeadSquared's test delivery shows them. Problems with one
lead get 200 with a status and reason, because LeadSquared disables a webhook whose
deliveries keep failing. Every delivery is logged.
"""
import logging

from django.core.exceptions import RequestDataTooBig
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import key_from_request
from accounts.models import ApiKey
from agents.models import Agent
from integrations.registry import CRMS
from webhooks.deliveries import DeliveryRecord
from webhooks.models import WebhookDelivery
# agent_default_window and summarize moved to webhooks.receive; imported here for existing callers.
from webhooks.receive import agent_default_window, error_reply, receive_delivery, summarize  # noqa: F401

logger = logging.getLogger(__name__)

Result = WebhookDelivery.Result


def error_response(record: DeliveryRecord, status: int, result: str, code: str, message: str, **extra) -> Response:
    reply = error_reply(record, status, result, code, message, **extra)
    return Response(reply.body, status=reply.status)


class CrmWebhookView(APIView):
    """Receive leads from a CRM. Authentication is done here, not by DRF, so that
    rejected requests are logged too."""

    authentication_classes = ()
    permission_classes = ()
    http_method_names = ["post", "head", "options"]

    def head(self, request, *args, **kwargs):
        # LeadSquared checks that the URL responds before it saves a webhook.
        return Response(status=200)

    def post(self, request):
        record = DeliveryRecord.start(request)
        try:
            raw_body = request.body
        except RequestDataTooBig:
            return error_response(record, 413, Result.INVALID, "body_too_large",
                                  "The body is larger than this server accepts; send one lead per delivery.")
        record.body = raw_body

        api_key = ApiKey.find(key_from_request(request))
        if api_key is None:
            return error_response(
                record, 401, Result.UNAUTHORIZED, "invalid_api_key",
                "Missing, invalid or revoked API key. Add x_api_key=YOUR_API_KEY to the URL or send the "
                "X-API-KEY header; keys are in Dashboard → API Keys.",
            )
        api_key.record_use()
        workspace = api_key.workspace
        record.workspace = workspace

        crm_type = (request.GET.get("type") or "").strip()
        if crm_type not in CRMS:
            return error_response(
                record, 400, Result.INVALID, "invalid_parameters",
                (f"type must be one of: {', '.join(sorted(CRMS))}; got {crm_type!r}." if crm_type else "type is missing.")
                + " Add type=leadsquared to the URL.",
                errors=[{"parameter": "type", "value": crm_type or None, "message": "Use type=leadsquared."}],
            )

        agent_id = (request.GET.get("agent_id") or "").strip()
        if not agent_id:
            return error_response(
                record, 400, Result.INVALID, "invalid_parameters",
                "agent_id is missing; copy the agent's id from its Webhook URL tab and add agent_id=… to the URL.",
                errors=[{"parameter": "agent_id", "value": None, "message": "agent_id is missing."}],
            )
        agent = Agent.objects.filter(public_id=agent_id, workspace=workspace).first()
        if agent is None:
            # The same response whether the agent does not exist or belongs to another workspace.
            return error_response(
                record, 404, Result.NOT_FOUND, "agent_not_found",
                f"No agent with agent_id {agent_id!r} in this API key's workspace. Check the agent id in the dashboard.",
            )
        record.agent = agent

        reply = receive_delivery(record, agent, crm_type, request.GET, raw_body, request.META.get("CONTENT_TYPE", ""))
        return Response(reply.body, status=reply.status)
