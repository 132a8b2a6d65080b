"""JSON error bodies for the API, in one shape: ``{"error": code, "message": text}``."""
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if detail is not None:
        response.data = {"error": str(code), "message": str(detail)}
    else:
        # Validation errors: field → messages.
        response.data = {"error": "invalid", "message": "The request has invalid parameters.", "errors": response.data}
    return response
