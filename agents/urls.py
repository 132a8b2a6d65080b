from django.urls import path

from agents import views, views_variables, views_webhook

urlpatterns = [
    path("agents/", views.agent_list, name="agents"),
    path("agents/new/", views.agent_create, name="agent-create"),
    path("agents/new/provider-settings/", views.provider_settings, name="agent-create-provider-settings"),
    path("agents/<str:public_id>/", views.agent_settings, name="agent-settings"),
    path("agents/<str:public_id>/provider-settings/", views.provider_settings, name="agent-provider-settings"),
    path("agents/<str:public_id>/pause/", views.agent_pause, name="agent-pause"),
    path("agents/<str:public_id>/resume/", views.agent_resume, name="agent-resume"),
    path("agents/<str:public_id>/variables/", views_variables.variables, name="agent-variables"),
    path("agents/<str:public_id>/variables/add/", views_variables.variable_add, name="agent-variable-add"),
    path("agents/<str:public_id>/variables/<int:mapping_id>/edit/", views_variables.variable_edit, name="agent-variable-edit"),
    path("agents/<str:public_id>/variables/<int:mapping_id>/delete/", views_variables.variable_delete, name="agent-variable-delete"),
    path("agents/<str:public_id>/webhook/", views_webhook.webhook, name="agent-webhook"),
    path("agents/<str:public_id>/webhook/key/", views_webhook.webhook_key, name="agent-webhook-key"),
    path("agents/<str:public_id>/webhook/test-lead/", views_webhook.webhook_test_lead, name="agent-webhook-test-lead"),
]
