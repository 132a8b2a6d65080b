"""``/api/v1/calls``: read-only call API, scoped to the API key's workspace."""
from django.db.models import Prefetch
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from calls.models import Call, CallAttempt
from calls.serializers import CallSerializer


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


class CallDetailView(WorkspaceCallsMixin, generics.RetrieveAPIView):
    lookup_field = "public_id"
    lookup_url_kwarg = "call_id"
