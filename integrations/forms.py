from zoneinfo import available_timezones

import phonenumbers
from django import forms

from accounts.models import Workspace
from integrations.leadsquared.errors import HostNotAllowed
from integrations.leadsquared.hosts import normalize_host


class LeadSquaredConnectForm(forms.Form):
    """Host and keys. On an existing connection, empty key fields keep the saved keys."""

    host = forms.CharField(
        label="Host URL", max_length=255,
        help_text="Your LeadSquared API endpoint, e.g. https://api-in21.leadsquared.com (Settings → API &amp; Webhooks).",
        widget=forms.TextInput(attrs={"placeholder": "https://api-in21.leadsquared.com", "autocomplete": "off"}),
        error_messages={"required": "Enter the Host URL, e.g. https://api-in21.leadsquared.com."},
    )
    access_key = forms.CharField(
        label="Access Key", max_length=200, strip=True,
        error_messages={"required": "Enter the Access Key from LeadSquared → Settings → API & Webhooks."},
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    secret_key = forms.CharField(
        label="Secret Key", max_length=200, strip=True,
        error_messages={"required": "Enter the Secret Key from LeadSquared → Settings → API & Webhooks."},
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing is not None:
            self.fields["host"].initial = f"https://{existing.host}"
            for name in ("access_key", "secret_key"):
                self.fields[name].required = False
                self.fields[name].help_text = "Saved. Leave empty to keep the saved key."

    def clean_host(self):
        try:
            return normalize_host(self.cleaned_data["host"])
        except HostNotAllowed as error:
            raise forms.ValidationError(error.message) from None


def _timezone_choices():
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


def _region_choices():
    return [(code, code) for code in sorted(phonenumbers.SUPPORTED_REGIONS)]


class CallingSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=_timezone_choices,
        help_text="Calling windows (min/max trigger time) are read in this timezone; match your LeadSquared account's.",
    )
    default_region = forms.ChoiceField(
        label="Default country", choices=_region_choices,
        help_text="Phone numbers without a country code are read as numbers of this country (IN for India).",
    )

    class Meta:
        model = Workspace
        fields = ["timezone", "default_region"]
