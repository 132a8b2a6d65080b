from django.contrib import admin

from integrations.models import LeadLookup, LeadSquaredConnection, RateLimitWindow, WriteBack


@admin.register(LeadSquaredConnection)
class LeadSquaredConnectionAdmin(admin.ModelAdmin):
    """Read-only: credentials are set in the dashboard and never shown."""

    list_display = ["workspace", "host", "status", "last_checked_at"]
    fields = ["workspace", "host", "status", "last_checked_at", "last_error", "suggested_host",
              "activity_event_code", "fields_fetched_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(WriteBack)
class WriteBackAdmin(admin.ModelAdmin):
    """Read-only: rows change only through the write-back task's conditional updates."""

    list_display = ["attempt", "workspace", "status", "tries", "activity_id", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in WriteBack._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LeadLookup)
class LeadLookupAdmin(admin.ModelAdmin):
    """Read-only: rows change only through the lookup task's conditional updates."""

    list_display = ["call", "status", "tries", "next_try_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in LeadLookup._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(admin.ModelAdmin):
    """Read-only: the database rate limiter's recent request times per workspace."""

    list_display = ["workspace"]
    readonly_fields = ["workspace", "request_times"]

    def has_add_permission(self, request):
        return False
