from django import forms

from calls.models import Call
from calls.outcomes_catalog import Outcome


class CallFilterForm(forms.Form):
    agent = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Call.Status.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, label="Phone or name", max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "+91… or Asha"}))

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", "All agents")] + [(agent.public_id, agent.name) for agent in agents]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", f"“To” ({end}) is before “From” ({start}); swap the dates.")
        return cleaned
