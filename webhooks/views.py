"""``/call/crm-webhook``: where LeadSquared posts new leads.

Configuration errors (key, agent, parameters, type) get a 4xx response with a JSON body naming
the parameter and the fix, so LeadSquared's test delivery shows them. Problems with one
lead get 200 with a status and reason, because LeadSquared disables a webhook whose
deliveries keep failing. Every delivery is logged.
"""
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import key_from_request, url_query
from accounts.ratelimit import check_rate
from callkaro.openapi import error_response as schema_error
from integrations.registry import CRMS
from webhooks import lookups
from webhooks.deliveries import DeliveryRecord
from webhooks.models import WebhookDelivery
# agent_default_window and summarize moved to webhooks.receive; imported here for existing callers.
from webhooks.receive import agent_default_window, error_reply, receive_delivery, summarize  # noqa: F401

logger = logging.getLogger(__name__)

Result = WebhookDelivery.Result


def error_response(record: DeliveryRecord, status: int, result: str, code: str, message: str, **extra) -> Response:
    reply = error_reply(record, status, result, code, message, **extra)
    return Response(reply.body, status=reply.status)


WEBHOOK_PARAMETERS = [
    OpenApiParameter("agent_id", str, required=True, description="The agent's id, from its Webhook URL tab."),
    OpenApiParameter("type", str, required=True, enum=sorted(CRMS), description="The CRM that sends the lead."),
    OpenApiParameter("x_api_key", str, description="The workspace's API key, when the X-API-KEY header is not sent."),
    OpenApiParameter("min_trigger_time", str, description="Start of the calling window, HH:MM (24-hour)."),
    OpenApiParameter("max_trigger_time", str, description="End of the calling window, HH:MM (24-hour)."),
    OpenApiParameter("carry_over", str, description="true: a lead outside the window waits for it to open."),
    OpenApiParameter("num_of_retries", str, description="Retries after a not-reached outcome, 0 to 10."),
    OpenApiParameter("gap_between_retries", str, description="Hours before each retry, comma-separated."),
    OpenApiParameter("timezone", str, description="IANA timezone of the window, e.g. Asia/Kolkata."),
    OpenApiParameter("retry_on", str, description="Outcomes to retry, comma-separated."),
]


@extend_schema_view(
    post=extend_schema(
        summary="Receive leads from a CRM",
        description="A problem with a lead returns 200 with a status and reason; a configuration error returns 4xx.",
        parameters=WEBHOOK_PARAMETERS,
        request={
            "application/json": OpenApiTypes.ANY,
            "application/x-www-form-urlencoded": OpenApiTypes.OBJECT,
        },
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Each lead's status: scheduled, duplicate or rejected."),
            400: schema_error("An invalid parameter; errors lists each one."),
            401: schema_error("Missing, invalid or revoked API key."),
            404: schema_error("No such agent in the API key's workspace."),
            413: schema_error("The body is too large."),
            429: schema_error("Too many requests with this API key; see Retry-After."),
            503: schema_error("The database is unavailable and nothing was stored; send again after Retry-After."),
        },
        auth=[{"ApiKeyAuth": []}, {}],
    ),
    head=extend_schema(exclude=True),
)
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
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return error_response(
                record, 413, Result.INVALID, "body_too_large",
                f"The body is larger than this server accepts ({limit} bytes); send fewer leads per delivery.",
            )
        record.body = raw_body

        query = url_query(request)
        api_key = lookups.find_api_key(key_from_request(request, query))
        if api_key is None:
            return error_response(
                record, 401, Result.UNAUTHORIZED, "invalid_api_key",
                "Missing, invalid or revoked API key. Add x_api_key=YOUR_API_KEY to the URL or send the "
                "X-API-KEY header; keys are in Dashboard → API Keys.",
            )
        workspace = api_key.workspace
        record.workspace = workspace
        rate = check_rate(api_key)
        if not rate.allowed:
            response = error_response(
                record, 429, Result.RATE_LIMITED, "rate_limited",
                f"This API key sent more than {rate.limit} requests in {rate.window} seconds; retry after "
                f"{rate.retry_after} seconds, or ask the server's operator to raise API_KEY_RATE_LIMIT.",
                retry_after=rate.retry_after,
            )
            response["Retry-After"] = str(rate.retry_after)
            return response
        api_key.record_use()

        crm_type = (query.get("type") or "").strip()
        if crm_type not in CRMS:
            return error_response(
                record, 400, Result.INVALID, "invalid_parameters",
                (f"type must be one of: {', '.join(sorted(CRMS))}; got {crm_type!r}." if crm_type else "type is missing.")
                + " Add type=leadsquared to the URL.",
                errors=[{"parameter": "type", "value": crm_type or None, "message": "Use type=leadsquared."}],
            )

        agent_id = (query.get("agent_id") or "").strip()
        if not agent_id:
            return error_response(
                record, 400, Result.INVALID, "invalid_parameters",
                "agent_id is missing; copy the agent's id from its Webhook URL tab and add agent_id=… to the URL.",
                errors=[{"parameter": "agent_id", "value": None, "message": "agent_id is missing."}],
            )
        agent = lookups.find_agent(workspace, agent_id)
        if agent is None:
            # The same response whether the agent does not exist or belongs to another workspace.
            return error_response(
                record, 404, Result.NOT_FOUND, "agent_not_found",
                f"No agent with agent_id {agent_id!r} in this API key's workspace. Check the agent id in the dashboard.",
            )
        record.agent = agent

        reply = receive_delivery(record, agent, crm_type, query, raw_body, request.META.get("CONTENT_TYPE", ""))
        return Response(reply.body, status=reply.status)
