from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("webhooks.urls")),
    path("api/v1/", include("calls.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("providers/", include("calls.providers.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    # The dashboard.
    path("", include("accounts.urls")),
    path("", include("calls.urls")),
    path("", include("agents.urls")),
    path("", include("integrations.urls")),
    path("", include("webhooks.urls_dashboard")),
]
