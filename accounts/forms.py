from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Where the key is used, e.g. “LeadSquared production webhook”.",
        widget=forms.TextInput(attrs={"placeholder": "LeadSquared webhook"}),
    )
