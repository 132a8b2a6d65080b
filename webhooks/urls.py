from django.urls import path

from webhooks.views import CrmWebhookView

urlpatterns = [
    path("call/crm-webhook", CrmWebhookView.as_view(), name="crm-webhook"),
    path("call/crm-webhook/", CrmWebhookView.as_view()),
]
