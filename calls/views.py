"""Overview, call history and the call page with its operator actions."""
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.workspaces import member_required
from agents.models import Agent
from calls import actions
from calls.charts import daily_chart
from calls.forms import CallFilterForm
from calls.models import Call, CallAttempt
from calls.stats import next_scheduled, overview
from integrations.models import LeadSquaredConnection

logger = logging.getLogger(__name__)

CALLS_PER_PAGE = 25


def _get_call_for_user(request, public_id: str) -> Call:
    return get_object_or_404(
        Call.objects.select_related("agent", "lead", "workspace"), public_id=public_id, workspace=request.workspace,
    )


def _get_attempt_for_user(request, call: Call, attempt_id: int) -> CallAttempt:
    return get_object_or_404(CallAttempt.objects.select_related("call"), pk=attempt_id, call=call)


@member_required
def overview_page(request):
    workspace = request.workspace
    stats = overview(workspace)
    ctx = {
        "page": "overview",
        "stats": stats,
        "chart": daily_chart(stats.days),
        "upcoming": next_scheduled(workspace),
        "has_agents": bool(stats.per_agent),
        "has_connection": LeadSquaredConnection.objects.filter(workspace=workspace).exists(),
        "has_calls": Call.objects.filter(workspace=workspace).exists(),
    }
    return render(request, "calls/overview.html", ctx)


def filter_calls(workspace, form: CallFilterForm):
    calls = (
        Call.objects.filter(workspace=workspace).select_related("agent", "lead")
        .annotate(attempt_count=Count("attempts")).order_by("-created_at", "-id")
    )
    if not form.is_valid():
        return calls
    data = form.cleaned_data
    if data["agent"]:
        calls = calls.filter(agent__public_id=data["agent"])
    if data["status"]:
        calls = calls.filter(status=data["status"])
    if data["outcome"]:
        calls = calls.filter(outcome=data["outcome"])
    zone = ZoneInfo(workspace.timezone)
    if data["date_from"]:
        calls = calls.filter(created_at__gte=datetime.combine(data["date_from"], time(0), tzinfo=zone))
    if data["date_to"]:
        calls = calls.filter(created_at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time(0), tzinfo=zone))
    if data["q"]:
        text = data["q"].strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        match = (
            Q(lead__fields__FirstName__icontains=text) | Q(lead__fields__LastName__icontains=text)
            | Q(variables__name__icontains=text) | Q(public_id=text)
        )
        if len(digits) >= 4:
            match |= Q(phone__contains=digits)
        calls = calls.filter(match)
    return calls


@member_required
def call_list(request):
    agents = list(Agent.objects.filter(workspace=request.workspace).order_by("name"))
    form = CallFilterForm(request.GET or None, agents=agents)
    calls = filter_calls(request.workspace, form)
    page = Paginator(calls, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "page": "calls", "form": form, "calls": page, "query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
    return render(request, "calls/list.html", ctx)


def _call_ctx(request, call: Call) -> dict:
    attempts = list(call.attempts.order_by("number"))
    return {
        "page": "calls", "call": call, "attempts": attempts,
        "policy": call.call_policy,
        "active": not call.is_final,
        # Poll fast while an attempt is dialling or in progress, slowly while one waits.
        "poll_seconds": 2 if any(a.status in CallAttempt.ACTIVE_STATUSES for a in attempts) else 15,
        "can_cancel": any(a.status in (CallAttempt.Status.PENDING, CallAttempt.Status.QUEUED) for a in attempts),
        "can_call_now": not any(a.status in (CallAttempt.Status.DIALING, CallAttempt.Status.IN_PROGRESS) for a in attempts),
        "lead_fields": sorted((call.lead.fields or {}).items()),
    }


@member_required
def call_detail(request, public_id: str):
    call = _get_call_for_user(request, public_id)
    ctx = _call_ctx(request, call)
    template = "calls/_call_live.html" if request.htmx else "calls/detail.html"
    return render(request, template, ctx)


def _run_action(request, call: Call, action, success: str):
    try:
        action()
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("call-detail", public_id=call.public_id)


@require_POST
@member_required
def call_cancel(request, public_id: str):
    call = _get_call_for_user(request, public_id)
    logger.info("call %s: cancel requested by user %s", call.public_id, request.user.pk)
    return _run_action(request, call, lambda: actions.cancel_pending_attempts(call), "Pending attempts canceled.")


@require_POST
@member_required
def call_now(request, public_id: str):
    call = _get_call_for_user(request, public_id)
    logger.info("call %s: Call now requested by user %s", call.public_id, request.user.pk)
    return _run_action(request, call, lambda: actions.call_now(call), "Dialling now, outside the calling window if need be.")


@require_POST
@member_required
def attempt_mark_failed(request, public_id: str, attempt_id: int):
    call = _get_call_for_user(request, public_id)
    attempt = _get_attempt_for_user(request, call, attempt_id)
    logger.info("call %s: attempt %s marked failed by user %s", call.public_id, attempt.number, request.user.pk)
    return _run_action(
        request, call, lambda: actions.mark_attempt_failed(attempt),
        f"Attempt {attempt.number} marked as failed; the retry rules ran again.",
    )
