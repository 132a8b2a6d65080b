from django.urls import path

from integrations import views

urlpatterns = [
    path("integrations/", views.integrations, name="integrations"),
    path("integrations/leadsquared/", views.leadsquared, name="integration-leadsquared"),
    path("integrations/leadsquared/connect/", views.leadsquared_connect, name="integration-leadsquared-connect"),
    path("integrations/leadsquared/test/", views.leadsquared_test, name="integration-leadsquared-test"),
    path("integrations/leadsquared/disconnect/", views.leadsquared_disconnect, name="integration-leadsquared-disconnect"),
    path("integrations/leadsquared/fields/", views.leadsquared_refresh_fields, name="integration-leadsquared-fields"),
    path("integrations/leadsquared/activity-type/", views.leadsquared_activity_type, name="integration-leadsquared-activity-type"),
    path("integrations/leadsquared/use-suggested-host/", views.leadsquared_use_suggested_host, name="integration-leadsquared-use-host"),
    path("integrations/calling-settings/", views.calling_settings, name="calling-settings"),
]
