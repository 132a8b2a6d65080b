from django.contrib import admin

from integrations.models import LeadSquaredConnection


@admin.register(LeadSquaredConnection)
class LeadSquaredConnectionAdmin(admin.ModelAdmin):
    """Read-only: credentials are set in the dashboard and never shown."""

    list_display = ["workspace", "host", "status", "last_checked_at"]
    fields = ["workspace", "host", "status", "last_checked_at", "last_error", "suggested_host",
              "activity_event_code", "fields_fetched_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
