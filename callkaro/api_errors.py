"""JSON error bodies for the API, in one shape: ``{"error": code, "message": text}``.

Validation errors keep DRF's field → messages mapping under ``errors`` as well.
"""
import logging

from django.db import InterfaceError, OperationalError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the database is unavailable.
DATABASE_RETRY_AFTER = 30


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(f"{name}: {_flatten(value)}" for name, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def database_unavailable(exc, context) -> Response:
    """Return a 503 response with Retry-After when the database is unavailable, instead of a bare 500."""
    view = type(context.get("view")).__name__
    logger.error("database unavailable in %s, responding 503: %s", view, exc)
    response = Response(
        {
            "error": "database_unavailable",
            "message": "The database is unavailable, so nothing from this request was stored. "
            f"Send the request again in {DATABASE_RETRY_AFTER} seconds.",
        },
        status=503,
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        return database_unavailable(exc, context)
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
