from rest_framework import serializers

from calls.models import Call, CallAttempt


class CallAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallAttempt
        fields = [
            "number", "status", "outcome", "scheduled_for", "started_at", "ended_at", "provider",
            "provider_call_id", "duration_seconds", "end_reason", "error", "transcript", "summary", "recording_url",
        ]


class CallSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id")
    agent_id = serializers.CharField(source="agent.public_id")
    lead_id = serializers.CharField(source="lead.external_id")
    attempts = CallAttemptSerializer(many=True)
    attempts_allowed = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "agent_id", "lead_id", "status", "outcome", "phone", "variables", "policy",
            "attempts_allowed", "missing_fields", "created_at", "updated_at", "attempts",
        ]

    def get_attempts_allowed(self, call) -> int:
        return call.call_policy.max_attempts
