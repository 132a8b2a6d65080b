"""The settings form each provider exposes as ``Provider.settings_form``.

The dashboard's agent Settings tab renders it and, when it is valid, calls ``save()``:

    form = provider.settings_form(request.POST or None, agent=agent)
    if request.method == "POST" and form.is_valid():
        form.save()

The API key and the webhook signing secret are write-only: the form never renders
them, and an empty field keeps the saved value.
"""
from django import forms

from agents.models import Agent

KEEP_SAVED_HELP = "A value is saved. Leave empty to keep it; it is never shown again."


class SecretInput(forms.PasswordInput):
    def __init__(self):
        super().__init__(render_value=False, attrs={"autocomplete": "new-password"})


class ProviderSettingsForm(forms.Form):
    """Fields for one provider's settings; subclasses declare the fields and ``setting_names``."""

    provider_name = ""
    # Form fields stored in Agent.provider_settings (never secrets).
    setting_names: tuple[str, ...] = ()
    # Whether the provider signs callbacks with a secret other than the API key.
    uses_webhook_secret = False

    api_key = forms.CharField(required=False, widget=SecretInput(), label="API key")

    def __init__(self, data=None, *, agent: Agent, **kwargs):
        self.agent = agent
        same_provider = agent.provider == self.provider_name
        saved = agent.provider_settings if same_provider else {}
        initial = {name: saved.get(name, "") for name in self.setting_names}
        super().__init__(data, initial=initial, **kwargs)

        self.saved_api_key = agent.provider_api_key if same_provider else ""
        self.saved_webhook_secret = agent.provider_webhook_secret if same_provider else ""
        if self.saved_api_key:
            self.fields["api_key"].help_text = KEEP_SAVED_HELP
        else:
            self.fields["api_key"].required = True
            self.fields["api_key"].help_text = "Keys are never shown back, so after an error paste it again."
        if "webhook_secret" in self.fields and self.saved_webhook_secret:
            self.fields["webhook_secret"].help_text = KEEP_SAVED_HELP

    def settings_values(self) -> dict[str, str]:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in self.setting_names}

    def clean(self):
        from calls.providers import get_provider

        cleaned = super().clean()
        api_key = (cleaned.get("api_key") or "").strip() or self.saved_api_key
        secret = (cleaned.get("webhook_secret") or "").strip() or self.saved_webhook_secret
        errors = get_provider(self.provider_name).validate_settings(self.settings_values(), api_key, secret)
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def save(self) -> Agent:
        agent = self.agent
        agent.provider = self.provider_name
        agent.provider_settings = self.settings_values()
        api_key = (self.cleaned_data.get("api_key") or "").strip()
        if api_key:
            agent.provider_api_key = api_key
        secret = (self.cleaned_data.get("webhook_secret") or "").strip()
        if secret:
            agent.provider_webhook_secret = secret
        agent.save(update_fields=["provider", "provider_settings", "provider_api_key", "provider_webhook_secret"])
        return agent
