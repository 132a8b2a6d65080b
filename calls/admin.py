from django.contrib import admin

from calls.models import Call, CallAttempt, Lead


class CallAttemptInline(admin.TabularInline):
    model = CallAttempt
    extra = 0
    can_delete = False
    fields = ["number", "status", "outcome", "scheduled_for", "started_at", "ended_at", "provider_call_id", "end_reason", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["public_id", "agent", "phone", "status", "outcome", "created_at"]
    list_filter = ["status", "outcome", "agent__workspace"]
    search_fields = ["public_id", "phone", "lead__external_id"]
    readonly_fields = ["public_id", "workspace", "agent", "lead", "phone", "variables", "policy", "missing_fields", "created_at", "updated_at"]
    inlines = [CallAttemptInline]


@admin.register(CallAttempt)
class CallAttemptAdmin(admin.ModelAdmin):
    list_display = ["call", "number", "status", "outcome", "scheduled_for", "started_at", "ended_at"]
    list_filter = ["status", "outcome", "provider"]
    search_fields = ["call__public_id", "provider_call_id"]
    raw_id_fields = ["call"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["external_id", "agent", "crm", "received_at"]
    list_filter = ["crm"]
    search_fields = ["external_id"]
    readonly_fields = ["workspace", "agent", "crm", "external_id", "fields", "received_at"]
