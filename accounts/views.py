"""Sign-in, workspace switching and API keys."""
import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import ApiKeyForm
from accounts.models import ApiKey
from accounts.workspaces import member_required, switch_workspace

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_POST
@member_required
def switch(request):
    try:
        workspace_id = int(request.POST.get("workspace", ""))
    except ValueError:
        raise Http404("No such workspace.") from None
    workspace = switch_workspace(request, workspace_id)
    if workspace is None:
        raise Http404("No such workspace.")

    messages.success(request, f"Switched to {workspace.name}.")
    return redirect("overview")


def _get_api_key_for_user(request, key_id: int) -> ApiKey:
    return get_object_or_404(ApiKey, pk=key_id, workspace=request.workspace)


# Session key of the form tokens already used to create a key, so that reloading the page
# that shows a new key (a repeated POST) does not create a second one.
USED_KEY_TOKENS = "used_api_key_form_tokens"


def _api_keys_page(request, form, new_key: str = "", status: int = 200):
    ctx = {
        "page": "api_keys",
        "keys": ApiKey.objects.filter(workspace=request.workspace).order_by("revoked_at", "-created_at"),
        "form": form,
        "new_key": new_key,
        "form_token": secrets.token_urlsafe(16),
    }
    return render(request, "accounts/api_keys.html", ctx, status=status)


@member_required
def api_keys(request):
    return _api_keys_page(request, ApiKeyForm())


@require_POST
@member_required
def api_key_create(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _api_keys_page(request, form, status=400)

    token = request.POST.get("form_token", "")
    used = request.session.get(USED_KEY_TOKENS, [])
    if token and token in used:
        messages.info(request, "That key was already created; reloading the page does not create another.")
        return redirect("api-keys")
    if token:
        request.session[USED_KEY_TOKENS] = (used + [token])[-20:]

    api_key, raw_key = ApiKey.issue(request.workspace, form.cleaned_data["name"])
    logger.info("API key %s issued in workspace %s by user %s", api_key.pk, request.workspace.pk, request.user.pk)
    # The page shows the key this once; only its hash is stored.
    return _api_keys_page(request, ApiKeyForm(), new_key=raw_key)


@require_POST
@member_required
def api_key_revoke(request, key_id: int):
    api_key = _get_api_key_for_user(request, key_id)
    api_key.revoke()

    logger.info("API key %s revoked in workspace %s by user %s", api_key.pk, request.workspace.pk, request.user.pk)
    messages.success(
        request,
        f"Key “{api_key.name}” revoked. Webhooks using it answer 401 within "
        f"{settings.WEBHOOK_LOOKUP_CACHE_SECONDS:g} seconds.",
    )
    return redirect("api-keys")
