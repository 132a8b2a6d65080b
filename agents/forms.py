import re

from django import forms

from agents.formats import format_choices
from agents.models import Agent, VariableMapping
from calls.providers import get_provider
from integrations.leadsquared.catalogue import fields_for

# A LeadSquared schema name: standard fields (FirstName) and custom ones (mx_Product_Interest).
_SCHEMA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}\Z")


class AgentForm(forms.ModelForm):
    """The agent's own fields. The provider's settings and keys are in its settings form."""

    class Meta:
        model = Agent
        fields = ["name", "provider", "max_concurrent_calls", "window_start", "window_end"]
        labels = {
            "max_concurrent_calls": "Maximum concurrent calls",
            "window_start": "Default window start",
            "window_end": "Default window end",
        }
        widgets = {
            "window_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "window_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_start"].help_text = (
            "Used when the webhook URL sets no min_trigger_time/max_trigger_time, in the workspace's timezone."
        )
        self.fields["provider"].widget.attrs.update({"hx-get": "provider-settings/", "hx-target": "#provider-settings",
                                                     "hx-trigger": "change", "hx-include": "this"})


def provider_settings_form(provider_name: str, agent: Agent, data=None):
    """Build the provider's own settings form for ``agent``, or return None for a provider without settings.

    ``agent`` may be unsaved (the create page). The form validates the provider's settings
    and keys, and its ``save()`` stores them on a saved agent.
    """
    try:
        provider = get_provider(provider_name)
    except KeyError:
        return None
    form_class = getattr(provider, "settings_form", None)
    if form_class is None:
        return None
    return form_class(data, agent=agent, prefix="provider")


CUSTOM_FIELD = "__custom__"


class VariableMappingForm(forms.ModelForm):
    """A variable: its name, the LeadSquared field it reads, a format and a default."""

    field_choice = forms.ChoiceField(label="LeadSquared field", required=False)
    custom_field = forms.CharField(
        label="Custom field", required=False, max_length=100,
        help_text="A field not in the list, e.g. mx_Product_Interest.",
        widget=forms.TextInput(attrs={"placeholder": "mx_Product_Interest"}),
    )
    format = forms.ChoiceField(required=False, help_text="Optional. How the value is rewritten before the agent sees it.")

    class Meta:
        model = VariableMapping
        fields = ["name", "source", "format", "default_value"]
        labels = {"name": "Variable name", "default_value": "Default value"}
        help_texts = {
            "name": "As the agent's prompt uses it, e.g. name or product_interest.",
            "default_value": "Used when the lead does not have the field.",
        }
        widgets = {"name": forms.TextInput(attrs={"placeholder": "product_interest"})}

    def __init__(self, *args, agent: Agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.agent = agent
        self.instance.agent = agent
        lead_fields = fields_for(agent.workspace)
        known = {item.schema_name for item in lead_fields}
        self.fields["field_choice"].choices = (
            [("", "Choose a field…")]
            + [(item.schema_name, f"{item.display_name} ({item.schema_name})") for item in lead_fields]
            + [(CUSTOM_FIELD, "Custom field (mx_…)")]
        )
        self.fields["format"].choices = [("", "As received")] + format_choices()
        if self.instance.pk and not self.is_bound:
            in_list = self.instance.field in known
            self.initial["field_choice"] = self.instance.field if in_list else CUSTOM_FIELD
            self.initial["custom_field"] = "" if in_list else self.instance.field

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = VariableMapping.objects.filter(agent=self.agent, name=name).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(f"This agent already has a variable named {name!r}; choose another name or edit that one.")
        return name

    def clean(self):
        cleaned = super().clean()
        custom = (cleaned.get("custom_field") or "").strip()
        chosen = cleaned.get("field_choice") or ""
        if custom:
            if not _SCHEMA_NAME.match(custom):
                self.add_error("custom_field", f"{custom!r} is not a LeadSquared schema name; use letters, digits and underscores, e.g. mx_City.")
                return cleaned
            self.instance.field = custom
        elif chosen and chosen != CUSTOM_FIELD:
            self.instance.field = chosen
        else:
            self.add_error("field_choice", "Choose a LeadSquared field, or type a custom field name such as mx_City.")
        return cleaned

    def save(self, commit=True):
        mapping = super().save(commit=False)
        mapping.agent = self.agent
        if mapping.pk is None:
            last = self.agent.mappings.order_by("-position").first()
            mapping.position = last.position + 1 if last else 0
        if commit:
            mapping.save()
        return mapping
