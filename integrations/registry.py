"""Registry of CRMs that can post leads to the webhook: ``type`` → adapter class path."""
from django.utils.module_loading import import_string

CRMS: dict[str, str] = {
    "leadsquared": "integrations.leadsquared.adapter.LeadSquaredAdapter",
}


def get_crm(name: str):
    return import_string(CRMS[name])()
