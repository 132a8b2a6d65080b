from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Registers the API-key security scheme with drf-spectacular.
        from accounts import openapi  # noqa: F401
