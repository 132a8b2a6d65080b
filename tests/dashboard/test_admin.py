"""The Django admin lists every model and never shows a secret."""
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey
from integrations.models import LeadSquaredConnection
from tests.factories import UserFactory

SECRETS = ("s3cret-value-9876", "u$r-access-1234", "pk_live_provider")


@pytest.fixture
def admin_client(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secrets_in_db(agent, ended_call, delivery, workspace):
    LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key=SECRETS[1], secret_key=SECRETS[0],
    )
    agent.provider_api_key = SECRETS[2]
    agent.save()
    api_key, raw = ApiKey.issue(workspace, "production")
    return [*SECRETS, raw, api_key.key_hash]


def test_admin_pages_hide_secrets(admin_client, secrets_in_db):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        pages = [changelist.content.decode()]
        for obj in model.objects.all()[:3]:
            change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            assert change.status_code == 200, opts.label
            pages.append(change.content.decode())
        for secret in secrets_in_db:
            assert not any(secret in page for page in pages), f"{opts.label} shows a secret"


def test_admin_registers_every_model():
    from django.apps import apps

    ours = {"accounts", "agents", "calls", "integrations", "webhooks"}
    inline_only = {"accounts.membership", "agents.variablemapping"}
    models = {m._meta.label_lower for m in apps.get_models() if m._meta.app_label in ours}

    assert models - {m._meta.label_lower for m in admin.site._registry} - inline_only == set()
