from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        from accounts.models import ApiKey, Workspace
        from agents.models import Agent, VariableMapping
        from webhooks import lookups

        for model in (ApiKey, Workspace, Agent, VariableMapping):
            post_save.connect(lookups.clear, sender=model, dispatch_uid=f"webhook-lookups-{model.__name__}-save")
            post_delete.connect(lookups.clear, sender=model, dispatch_uid=f"webhook-lookups-{model.__name__}-delete")
