"""The signed-in member's current workspace, kept in the session."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import Membership, Workspace

SESSION_KEY = "workspace_id"


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def current_workspace(request) -> Workspace | None:
    """Return the workspace stored in the session, or the user's first one.

    A stored id the user is no longer a member of is ignored, so removing a member takes
    effect on their next request.
    """
    memberships = {membership.workspace_id: membership for membership in memberships_of(request.user)}
    if not memberships:
        return None
    chosen = memberships.get(request.session.get(SESSION_KEY))
    if chosen is None:
        chosen = next(iter(memberships.values()))
        request.session[SESSION_KEY] = chosen.workspace_id
    return chosen.workspace


def switch_workspace(request, workspace_id: int) -> Workspace | None:
    membership = memberships_of(request.user).filter(workspace_id=workspace_id).first()
    if membership is None:
        return None
    request.session[SESSION_KEY] = membership.workspace_id
    return membership.workspace


def member_required(view):
    """Require a signed-in member of a workspace and set ``request.workspace``."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        workspace = current_workspace(request)
        if workspace is None:
            return render(request, "accounts/no_workspace.html", status=403)
        request.workspace = workspace
        return view(request, *args, **kwargs)

    return wrapper


def navigation(request) -> dict:
    """Template context: the workspaces the user can switch to."""
    workspace = getattr(request, "workspace", None)
    if workspace is None or not request.user.is_authenticated:
        return {}
    return {"workspaces": [membership.workspace for membership in memberships_of(request.user)]}
