from django import forms
from django.contrib import admin

from agents.models import Agent, VariableMapping


class VariableMappingInline(admin.TabularInline):
    model = VariableMapping
    extra = 1
    fields = ["name", "source", "field", "format", "default_value", "position"]


class AgentAdminForm(forms.ModelForm):
    """Lets an admin set the provider key without ever seeing the stored one."""

    new_provider_api_key = forms.CharField(
        required=False, widget=forms.PasswordInput, label="Provider API key",
        help_text="Leave empty to keep the saved key.",
    )
    new_provider_webhook_secret = forms.CharField(
        required=False, widget=forms.PasswordInput, label="Provider webhook signing secret",
        help_text="Leave empty to keep the saved secret.",
    )

    class Meta:
        model = Agent
        exclude = ["provider_api_key", "provider_webhook_secret"]

    def clean(self):
        # Set the new secrets before the model's clean() checks the provider settings with them.
        cleaned = super().clean()
        if cleaned.get("new_provider_api_key"):
            self.instance.provider_api_key = cleaned["new_provider_api_key"]
        if cleaned.get("new_provider_webhook_secret"):
            self.instance.provider_webhook_secret = cleaned["new_provider_webhook_secret"]
        return cleaned

    def save(self, commit=True):
        agent = super().save(commit=False)
        if self.cleaned_data.get("new_provider_api_key"):
            agent.provider_api_key = self.cleaned_data["new_provider_api_key"]
        if self.cleaned_data.get("new_provider_webhook_secret"):
            agent.provider_webhook_secret = self.cleaned_data["new_provider_webhook_secret"]
        if commit:
            agent.save()
        return agent


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    form = AgentAdminForm
    list_display = ["name", "public_id", "workspace", "provider", "paused", "max_concurrent_calls"]
    list_filter = ["provider", "paused", "workspace"]
    search_fields = ["name", "public_id"]
    readonly_fields = ["public_id", "created_at", "provider_key_saved"]
    inlines = [VariableMappingInline]

    @admin.display(boolean=True, description="Provider key saved")
    def provider_key_saved(self, agent):
        return bool(agent.provider_api_key)
