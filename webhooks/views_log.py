"""The delivery log: what LeadSquared sent and why it did or did not create a call."""
import json

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from accounts.workspaces import member_required
from agents.models import Agent
from webhooks.models import WebhookDelivery

DELIVERIES_PER_PAGE = 30


def _get_delivery_for_user(request, delivery_id: int) -> WebhookDelivery:
    return get_object_or_404(
        WebhookDelivery.objects.select_related("agent", "first_call"), pk=delivery_id, workspace=request.workspace,
    )


@member_required
def delivery_list(request):
    agents = Agent.objects.filter(workspace=request.workspace).order_by("name")
    deliveries = WebhookDelivery.objects.filter(workspace=request.workspace).select_related("agent", "first_call")
    agent_id = request.GET.get("agent", "")
    result = request.GET.get("result", "")
    if agent_id:
        deliveries = deliveries.filter(agent__public_id=agent_id)
    if result in WebhookDelivery.Result.values:
        deliveries = deliveries.filter(result=result)
    page = Paginator(deliveries.order_by("-received_at", "-id"), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "page": "deliveries", "deliveries": page, "agents": agents, "agent_id": agent_id, "result": result,
        "results": WebhookDelivery.Result.choices, "query": query.urlencode(), "filtered": bool(agent_id or result),
    }
    return render(request, "webhooks/deliveries.html", ctx)


@member_required
def delivery_detail(request, delivery_id: int):
    delivery = _get_delivery_for_user(request, delivery_id)
    body = delivery.body
    if "json" in delivery.content_type:
        try:
            body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    ctx = {
        "page": "deliveries", "delivery": delivery, "body": body,
        "response": json.dumps(delivery.response, indent=2, ensure_ascii=False),
    }
    return render(request, "webhooks/delivery.html", ctx)
