from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self):
        from calls.signals import attempt_ended
        from integrations.leadsquared.writeback import on_attempt_ended

        attempt_ended.connect(on_attempt_ended, dispatch_uid="leadsquared-write-back")
