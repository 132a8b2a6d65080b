from django.urls import path

from calls.providers.views import provider_events

urlpatterns = [
    path("<slug:name>/events", provider_events, name="provider-events"),
]
