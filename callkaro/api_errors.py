"""JSON error bodies for the API, in one shape: ``{"error": code, "message": text}``.

Validation errors keep DRF's field → messages mapping under ``errors`` as well.
"""
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(f"{name}: {_flatten(value)}" for name, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, ValidationError):
        response.data = {"error": "invalid", "message": _flatten(exc.detail), "errors": exc.detail}
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if detail is not None:
        response.data = {"error": str(code), "message": str(detail)}
    else:
        # Validation errors: field → messages.
        response.data = {"error": "invalid", "message": "The request has invalid parameters.", "errors": response.data}
    return response
