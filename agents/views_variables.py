"""The agent's Variable Source tab: mappings edited inline with htmx, and the live preview."""
import logging

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.workspaces import member_required
from agents.forms import VariableMappingForm
from agents.models import VariableMapping
from agents.preview import preview_variables
from agents.views import _get_agent_for_user

logger = logging.getLogger(__name__)


def _get_mapping_for_user(request, agent, mapping_id: int) -> VariableMapping:
    return get_object_or_404(VariableMapping, pk=mapping_id, agent=agent)


def _panel(request, agent, add_form=None, editing=None, edit_form=None, status=200):
    """Render the table, add form and preview: the full page, or only the panel for htmx."""
    ctx = {
        "page": "agents", "tab": "variables", "agent": agent,
        "preview": preview_variables(agent),
        "add_form": add_form or VariableMappingForm(agent=agent),
        "editing": editing, "edit_form": edit_form,
    }
    template = "agents/_variables_panel.html" if request.htmx else "agents/variables.html"
    return render(request, template, ctx, status=status)


@member_required
def variables(request, public_id: str):
    agent = _get_agent_for_user(request, public_id)
    return _panel(request, agent)


@require_POST
@member_required
def variable_add(request, public_id: str):
    agent = _get_agent_for_user(request, public_id)
    form = VariableMappingForm(request.POST, agent=agent)
    if not form.is_valid():
        return _panel(request, agent, add_form=form, status=200 if request.htmx else 400)

    mapping = form.save()
    logger.info("agent %s: variable %s added by user %s", agent.public_id, mapping.pk, request.user.pk)
    if not request.htmx:
        return redirect("agent-variables", public_id=agent.public_id)
    return _panel(request, agent)


@require_http_methods(["GET", "POST"])
@member_required
def variable_edit(request, public_id: str, mapping_id: int):
    agent = _get_agent_for_user(request, public_id)
    mapping = _get_mapping_for_user(request, agent, mapping_id)
    if request.method == "GET":
        form = VariableMappingForm(instance=mapping, agent=agent, prefix=f"edit-{mapping.pk}")
        return _panel(request, agent, editing=mapping.pk, edit_form=form)

    form = VariableMappingForm(request.POST, instance=mapping, agent=agent, prefix=f"edit-{mapping.pk}")
    if not form.is_valid():
        return _panel(request, agent, editing=mapping.pk, edit_form=form, status=200 if request.htmx else 400)

    form.save()
    logger.info("agent %s: variable %s changed by user %s", agent.public_id, mapping.pk, request.user.pk)
    if not request.htmx:
        return redirect("agent-variables", public_id=agent.public_id)
    return _panel(request, agent)


@require_POST
@member_required
def variable_delete(request, public_id: str, mapping_id: int):
    agent = _get_agent_for_user(request, public_id)
    mapping = _get_mapping_for_user(request, agent, mapping_id)
    mapping.delete()

    logger.info("agent %s: variable %s deleted by user %s", agent.public_id, mapping_id, request.user.pk)
    if not request.htmx:
        return redirect("agent-variables", public_id=agent.public_id)
    return _panel(request, agent)
