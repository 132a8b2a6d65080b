"""Integrations → LeadSquared: connect, test, disconnect, and the workspace's calling settings."""
import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.workspaces import member_required
from integrations.forms import CallingSettingsForm, LeadSquaredConnectForm
from integrations.leadsquared import connection as leadsquared_connection
from integrations.leadsquared.activity import create_activity_type, set_activity_event_code
from integrations.leadsquared.errors import LeadSquaredError
from integrations.leadsquared.fields import refresh_fields
from integrations.models import LeadSquaredConnection

logger = logging.getLogger(__name__)


def _connection_for(workspace) -> LeadSquaredConnection | None:
    return LeadSquaredConnection.objects.filter(workspace=workspace).first()


def _page(request, connect_form=None, settings_form=None, status=200):
    connection = _connection_for(request.workspace)
    ctx = {
        "page": "integrations",
        "connection": connection,
        "connect_form": connect_form or LeadSquaredConnectForm(existing=connection),
        "settings_form": settings_form or CallingSettingsForm(instance=request.workspace),
        "editing": request.GET.get("edit") == "1" or connection is None or (connect_form is not None and connect_form.errors),
    }
    return render(request, "integrations/leadsquared.html", ctx, status=status)


@member_required
def integrations(request):
    return render(request, "integrations/index.html", {"page": "integrations", "connection": _connection_for(request.workspace)})


@member_required
def leadsquared(request):
    return _page(request)


@require_POST
@member_required
def leadsquared_connect(request):
    existing = _connection_for(request.workspace)
    form = LeadSquaredConnectForm(request.POST, existing=existing)
    if not form.is_valid():
        return _page(request, connect_form=form, status=400)

    data = form.cleaned_data
    with transaction.atomic():
        connection = existing or LeadSquaredConnection(workspace=request.workspace)
        connection.host = data["host"]
        if data["access_key"]:
            connection.access_key = data["access_key"]
        if data["secret_key"]:
            connection.secret_key = data["secret_key"]
        # New credentials have not been checked yet.
        connection.status = LeadSquaredConnection.Status.UNCHECKED
        connection.last_error = ""
        connection.save()

    logger.info("LeadSquared connection of workspace %s saved by user %s", request.workspace.pk, request.user.pk)
    messages.success(request, "LeadSquared credentials saved. Use Test connection to check them.")
    return redirect("integration-leadsquared")


@require_POST
@member_required
def leadsquared_test(request):
    connection = _connection_for(request.workspace)
    if connection is None:
        messages.error(request, "Connect LeadSquared first: enter the Host URL, Access Key and Secret Key.")
        return redirect("integration-leadsquared")

    connection = leadsquared_connection.test_connection(connection)
    connection.refresh_from_db()
    if connection.status == LeadSquaredConnection.Status.CONNECTED:
        messages.success(request, "Connection works: LeadSquared accepted the keys.")
    elif connection.last_error:
        messages.error(request, f"Connection test failed: {connection.last_error}")
    else:
        messages.info(request, f"Connection checked: {connection.get_status_display()}.")
    return redirect("integration-leadsquared")


@require_POST
@member_required
def leadsquared_disconnect(request):
    deleted, _ = LeadSquaredConnection.objects.filter(workspace=request.workspace).delete()
    if deleted:
        logger.info("LeadSquared disconnected from workspace %s by user %s", request.workspace.pk, request.user.pk)
        messages.success(request, "LeadSquared disconnected and its keys deleted. Webhooks keep creating calls.")
    return redirect("integration-leadsquared")


@require_POST
@member_required
def calling_settings(request):
    form = CallingSettingsForm(request.POST, instance=request.workspace)
    if not form.is_valid():
        return _page(request, settings_form=form, status=400)

    form.save()
    messages.success(request, "Calling settings saved. New leads use them; calls already planned keep their times.")
    return redirect("integration-leadsquared")


def _connected_or_redirect(request):
    connection = _connection_for(request.workspace)
    if connection is None:
        messages.error(request, "Connect LeadSquared first: enter the Host URL, Access Key and Secret Key.")
    return connection


@require_POST
@member_required
def leadsquared_refresh_fields(request):
    connection = _connected_or_redirect(request)
    if connection is None:
        return redirect("integration-leadsquared")

    try:
        fields = refresh_fields(connection)
    except LeadSquaredError as error:
        logger.warning("refreshing LeadSquared fields of workspace %s failed: %s", request.workspace.pk, error)
        messages.error(request, f"Could not fetch the lead fields: {error}. The previous list is kept.")
    else:
        messages.success(request, f"Fetched {len(fields)} lead fields from LeadSquared.")
    return redirect("integration-leadsquared")


@require_POST
@member_required
def leadsquared_activity_type(request):
    connection = _connected_or_redirect(request)
    if connection is None:
        return redirect("integration-leadsquared")

    try:
        if request.POST.get("action") == "create":
            code = create_activity_type(connection, request.POST.get("name", ""))
            messages.success(request, f"Created the activity type in LeadSquared (event code {code}); call results are written to it.")
        else:
            code = set_activity_event_code(connection, request.POST.get("activity_event_code", ""))
            messages.success(request, f"Call results are written as activities with event code {code}.")
    except ValueError as error:
        messages.error(request, str(error))
    except LeadSquaredError as error:
        logger.warning("setting the activity type of workspace %s failed: %s", request.workspace.pk, error)
        messages.error(request, f"LeadSquared did not create the activity type: {error}")
    return redirect("integration-leadsquared")


@require_POST
@member_required
def leadsquared_use_suggested_host(request):
    connection = _connected_or_redirect(request)
    if connection is None or not connection.suggested_host:
        return redirect("integration-leadsquared")

    LeadSquaredConnection.objects.filter(pk=connection.pk).update(
        host=connection.suggested_host, suggested_host="", status=LeadSquaredConnection.Status.UNCHECKED,
    )
    messages.success(request, f"Host changed to {connection.suggested_host}. Use Test connection to check it.")
    return redirect("integration-leadsquared")
