from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workspace/switch/", views.switch, name="workspace-switch"),
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/new/", views.api_key_create, name="api-key-create"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]
