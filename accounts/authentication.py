"""API key authentication, shared by the webhook and the REST API.

The key comes from the ``X-API-KEY`` header or, as LeadSquared's setup recommends, the
``x_api_key`` query parameter.
"""
from dataclasses import dataclass

from django.http import QueryDict
from rest_framework import authentication, exceptions

from accounts.models import ApiKey, Workspace


@dataclass
class WorkspaceClient:
    """The authenticated caller of an API-key request: a workspace, not a person."""

    workspace: Workspace
    api_key: ApiKey

    is_authenticated = True
    is_active = True


def url_query(request) -> QueryDict:
    """Parse the query string as UTF-8, the encoding of URLs.

    request.GET decodes it with the body's charset, so a body sent as charset=utf-16
    would garble every parameter, the key included.
    """
    return QueryDict(request.META.get("QUERY_STRING", ""), encoding="utf-8")


def key_from_request(request, query: QueryDict | None = None) -> str | None:
    """Return the key from the header, else from ``query`` (parsed from the URL when not given)."""
    if request.META.get("HTTP_X_API_KEY"):
        return request.META["HTTP_X_API_KEY"]
    return (query if query is not None else url_query(request)).get("x_api_key") or None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw_key = key_from_request(request)
        if raw_key is None:
            return None

        api_key = ApiKey.find(raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                "Invalid or revoked API key. Create a key in Dashboard → API Keys and send it "
                "as the X-API-KEY header or the x_api_key query parameter."
            )
        api_key.record_use()
        return WorkspaceClient(api_key.workspace, api_key), api_key

    def authenticate_header(self, request):
        return "X-API-KEY"
