"""``/api/v1/calls``: read-only call API, scoped to the API key's workspace."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from calls.models import Call, CallAttempt
from callkaro.openapi import error_response
from calls.serializers import CallSerializer

COMMON_ERRORS = {
    400: error_response("An invalid parameter."),
    401: error_response("Missing, invalid or revoked API key."),
    429: error_response("Too many requests with this API key; see Retry-After."),
}


class WorkspaceCallsMixin:
    serializer_class = CallSerializer

    def get_queryset(self):
        workspace = self.request.user.workspace
        return (
            Call.objects.filter(workspace=workspace)
            .select_related("agent", "lead")
            .prefetch_related(Prefetch("attempts", queryset=CallAttempt.objects.order_by("number")))
            .order_by("-created_at", "-id")
        )


@extend_schema(
    summary="List the workspace's calls, newest first",
    parameters=[
        OpenApiParameter("agent_id", str, description="Only calls of this agent."),
        OpenApiParameter("status", str, enum=Call.Status.values, description="Only calls in this status."),
    ],
    responses={200: CallSerializer(many=True), **COMMON_ERRORS},
)
class CallListView(WorkspaceCallsMixin, generics.ListAPIView):
    def get_queryset(self):
        calls = super().get_queryset()
        agent_id = self.request.query_params.get("agent_id")
        if agent_id:
            calls = calls.filter(agent__public_id=agent_id)
        status = self.request.query_params.get("status")
        if status:
            if status not in Call.Status.values:
                raise ValidationError({
                    "status": f"Unknown status {status!r}; use one of: {', '.join(Call.Status.values)}.",
                })
            calls = calls.filter(status=status)
        return calls


@extend_schema(
    summary="One call with its attempts",
    responses={200: CallSerializer, 404: error_response("No call with this id in the workspace."), **COMMON_ERRORS},
)
class CallDetailView(WorkspaceCallsMixin, generics.RetrieveAPIView):
    lookup_field = "public_id"
    lookup_url_kwarg = "call_id"
