"""Schema hooks and shared response shapes for the OpenAPI schema at ``/api/schema/``."""
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


def drop_duplicate_paths(endpoints):
    """Keep one of ``/call/crm-webhook`` and ``/call/crm-webhook/``: both reach the same view."""
    return [endpoint for endpoint in endpoints if endpoint[0] != "/call/crm-webhook/"]


ERROR_BODY = inline_serializer(
    name="Error",
    fields={
        "error": serializers.CharField(help_text="Machine-readable code, e.g. invalid_api_key."),
        "message": serializers.CharField(help_text="What was wrong and how to fix it."),
    },
)


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ERROR_BODY, description=description)
