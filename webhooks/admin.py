from django.contrib import admin

from webhooks.models import WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["received_at", "workspace", "agent", "status_code", "result", "reason"]
    list_filter = ["result", "status_code"]
    search_fields = ["reason", "url"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
