"""NUL characters: PostgreSQL stores none in text or jsonb, so they are kept out of the database.

A query would fail with DataError and the request would fail with a 500. Requests whose URL
carries one are rejected by ``RejectNulMiddleware``; text from webhook bodies, which must be
kept, has each NUL replaced by U+FFFD (the Unicode replacement character).
"""
import json

from django.http import JsonResponse

REPLACEMENT = "\ufffd"


def replace_nul(value):
    """Return ``value`` (str, or lists and dicts of them) with every NUL replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", REPLACEMENT) if "\x00" in value else value
    if isinstance(value, dict):
        return {replace_nul(key): replace_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_nul(item) for item in value]
    return value


class RejectNulMiddleware:
    """Respond with 400 to a request whose path or query string contains a NUL character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return _nul_response("The URL path")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return _nul_response(f"The query parameter {json.dumps(name.replace(chr(0), ''))}")
        return self.get_response(request)


def _nul_response(where: str) -> JsonResponse:
    return JsonResponse(
        {"error": "invalid_request", "message": f"{where} contains a NUL character (%00); remove it and send again."},
        status=400,
    )
