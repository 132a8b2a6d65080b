from django.urls import path

from calls import api

urlpatterns = [
    path("calls", api.CallListView.as_view(), name="api-calls"),
    path("calls/<str:call_id>", api.CallDetailView.as_view(), name="api-call"),
]
