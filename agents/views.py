"""Agents: list, create, the Settings tab, pause and resume."""
import logging

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.workspaces import member_required
from agents.forms import AgentForm, provider_settings_form
from agents.models import Agent

logger = logging.getLogger(__name__)


def _get_agent_for_user(request, public_id: str) -> Agent:
    return get_object_or_404(Agent.objects.select_related("workspace"), public_id=public_id, workspace=request.workspace)


@member_required
def agent_list(request):
    since = timezone.now() - timezone.timedelta(days=7)
    agents = (
        Agent.objects.filter(workspace=request.workspace)
        .annotate(
            variable_count=Count("mappings", distinct=True),
            calls_week=Count("calls", filter=Q(calls__created_at__gte=since), distinct=True),
        )
        .order_by("name")
    )
    return render(request, "agents/list.html", {"page": "agents", "agents": agents})


def _save_agent(request, agent: Agent | None):
    """Validate the agent form and the provider's settings form; save both or neither.

    The provider's form is validated first and its values put on the agent, because the
    Agent model's clean() checks the provider settings and keys the agent will call with.
    """
    current = agent or Agent(workspace=request.workspace)
    settings_form = provider_settings_form(request.POST.get("provider", ""), current, data=request.POST)
    settings_valid = settings_form is None or settings_form.is_valid()
    if settings_form is None:
        current.provider_settings = {}
    elif settings_valid:
        _apply_provider_settings(current, settings_form)

    form = AgentForm(request.POST, instance=current)
    valid = form.is_valid() and settings_valid
    if settings_form is not None and not settings_valid:
        _drop_repeated_errors(form, settings_form)
    if not valid:
        return None, form, settings_form

    with transaction.atomic():
        saved = form.save()
        if settings_form is not None:
            settings_form.agent = saved
            settings_form.save()
    return saved, form, settings_form


def _apply_provider_settings(agent: Agent, settings_form) -> None:
    agent.provider_settings = settings_form.settings_values()
    for field, attribute in (("api_key", "provider_api_key"), ("webhook_secret", "provider_webhook_secret")):
        value = (settings_form.cleaned_data.get(field) or "").strip()
        if value:
            setattr(agent, attribute, value)


def _drop_repeated_errors(form, settings_form) -> None:
    """Remove the model's "field: message" errors that the provider's form already shows at the field."""
    prefixes = tuple(f"{name}: " for name in settings_form.fields)
    kept = [message for message in form.non_field_errors() if not message.startswith(prefixes)]
    if NON_FIELD_ERRORS in form.errors:
        form.errors[NON_FIELD_ERRORS] = form.error_class(kept, error_class="nonfield")
        if not kept:
            del form.errors[NON_FIELD_ERRORS]


@member_required
def agent_create(request):
    if request.method == "POST":
        agent, form, settings_form = _save_agent(request, None)
        if agent is not None:
            logger.info("agent %s created in workspace %s by user %s", agent.public_id, request.workspace.pk, request.user.pk)
            messages.success(request, f"Agent “{agent.name}” created. Next, map its variables to LeadSquared fields.")
            return redirect("agent-variables", public_id=agent.public_id)
        status = 400
    else:
        form = AgentForm(initial={"provider": "simulator"})
        settings_form = provider_settings_form("simulator", Agent(workspace=request.workspace))
        status = 200
    ctx = {"page": "agents", "form": form, "settings_form": settings_form, "agent": None}
    return render(request, "agents/create.html", ctx, status=status)


@member_required
def agent_settings(request, public_id: str):
    agent = _get_agent_for_user(request, public_id)
    status = 200
    if request.method == "POST":
        saved, form, settings_form = _save_agent(request, agent)
        if saved is not None:
            messages.success(request, "Settings saved.")
            return redirect("agent-settings", public_id=agent.public_id)
        status = 400
        agent.refresh_from_db()
    else:
        form = AgentForm(instance=agent)
        settings_form = provider_settings_form(agent.provider, agent)
    ctx = {"page": "agents", "tab": "settings", "agent": agent, "form": form, "settings_form": settings_form}
    return render(request, "agents/settings.html", ctx, status=status)


@member_required
def provider_settings(request, public_id: str | None = None):
    """Render the provider-settings part of the agent form, swapped in when the provider changes."""
    agent = _get_agent_for_user(request, public_id) if public_id else Agent(workspace=request.workspace)
    provider_name = request.GET.get("provider", "")
    ctx = {"settings_form": provider_settings_form(provider_name, agent), "provider_name": provider_name}
    return render(request, "agents/_provider_settings.html", ctx)


def _set_paused(request, public_id: str, paused: bool, message: str):
    agent = _get_agent_for_user(request, public_id)
    agent.paused = paused
    # save(), not update(), so that post_save clears the webhook's lookup cache.
    agent.save(update_fields=["paused"])
    logger.info("agent %s %s by user %s", agent.public_id, "paused" if paused else "resumed", request.user.pk)
    messages.success(request, message.format(name=agent.name))
    return redirect(_safe_next(request, reverse("agent-settings", args=[agent.public_id])))


@require_POST
@member_required
def agent_pause(request, public_id: str):
    return _set_paused(
        request, public_id, True, "“{name}” paused. It keeps receiving leads but dials none until resumed.",
    )


@require_POST
@member_required
def agent_resume(request, public_id: str):
    return _set_paused(
        request, public_id, False, "“{name}” resumed. Due calls are dialled at the next dispatcher run.",
    )


def _safe_next(request, default: str) -> str:
    """Return the form's ``next`` page when it is on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
