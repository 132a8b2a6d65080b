"""Every dashboard page and action with three users: owner, teammate and outsider.

The outsider is a member of another workspace and gets 404 for every object of this one.
"""
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey


def object_urls(agent, pending_call, delivery, mapping, attempt, key):
    aid, cid = agent.public_id, pending_call.public_id
    return {
        "agent-settings": reverse("agent-settings", args=[aid]),
        "agent-variables": reverse("agent-variables", args=[aid]),
        "agent-variable-edit": reverse("agent-variable-edit", args=[aid, mapping.pk]),
        "agent-webhook": reverse("agent-webhook", args=[aid]),
        "agent-provider-settings": reverse("agent-provider-settings", args=[aid]) + "?provider=simulator",
        "call-detail": reverse("call-detail", args=[cid]),
        "delivery-detail": reverse("delivery-detail", args=[delivery.pk]),
    }


def object_actions(agent, pending_call, delivery, mapping, attempt, key):
    aid, cid = agent.public_id, pending_call.public_id
    return {
        "agent-settings": reverse("agent-settings", args=[aid]),
        "agent-pause": reverse("agent-pause", args=[aid]),
        "agent-resume": reverse("agent-resume", args=[aid]),
        "agent-variable-add": reverse("agent-variable-add", args=[aid]),
        "agent-variable-edit": reverse("agent-variable-edit", args=[aid, mapping.pk]),
        "agent-variable-delete": reverse("agent-variable-delete", args=[aid, mapping.pk]),
        "agent-webhook-key": reverse("agent-webhook-key", args=[aid]),
        "agent-webhook-test-lead": reverse("agent-webhook-test-lead", args=[aid]),
        "call-cancel": reverse("call-cancel", args=[cid]),
        "call-now": reverse("call-now", args=[cid]),
        "attempt-mark-failed": reverse("attempt-mark-failed", args=[cid, attempt.pk]),
        "api-key-revoke": reverse("api-key-revoke", args=[key.pk]),
    }


@pytest.fixture
def targets(agent, pending_call, delivery, workspace):
    mapping = agent.mappings.first()
    attempt = pending_call.attempts.first()
    key, _ = ApiKey.issue(workspace, "production")
    return (agent, pending_call, delivery, mapping, attempt, key)


PAGES = ["overview", "calls", "agents", "agent-create", "deliveries", "integrations", "integration-leadsquared", "api-keys"]


@pytest.mark.parametrize("name", PAGES)
def test_page_members_see_it(name, members):
    for who, client in members.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, who


@pytest.mark.parametrize("name", PAGES)
def test_page_anonymous_redirected(name, db):
    response = Client().get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_object_pages_members_see_them(targets, members):
    for name, url in object_urls(*targets).items():
        for who, client in members.items():
            response = client.get(url)
            assert response.status_code == 200, f"{who} {name}"


def test_object_pages_outsider_404(targets, outsider_client):
    for name, url in object_urls(*targets).items():
        response = outsider_client.get(url)
        assert response.status_code == 404, name


def test_object_actions_outsider_404(targets, outsider_client):
    agent, pending_call, *_ = targets
    for name, url in object_actions(*targets).items():
        response = outsider_client.post(url, {"name": "x", "provider": "simulator"})
        assert response.status_code == 404, name

    agent.refresh_from_db()
    assert agent.paused is False
    assert agent.mappings.count() == 6
    assert pending_call.attempts.get().status == "pending"
    assert ApiKey.objects.active().filter(workspace=agent.workspace).count() == 1


def test_object_actions_anonymous_redirected(targets):
    client = Client()
    for name, url in object_actions(*targets).items():
        response = client.post(url)
        assert response.status_code == 302, name


def test_outsider_lists_exclude_workspace(targets, outsider_client):
    agent, pending_call, delivery, *_ = targets
    pages = {
        "calls": pending_call.public_id, "agents": agent.public_id,
        "deliveries": reverse("delivery-detail", args=[delivery.pk]), "overview": agent.name,
    }
    for name, text in pages.items():
        response = outsider_client.get(reverse(name))
        assert text not in response.content.decode(), name


def test_actions_require_post(targets, owner_client):
    for name, url in object_actions(*targets).items():
        if name in ("agent-settings", "agent-variable-edit"):
            continue
        response = owner_client.get(url)
        assert response.status_code == 405, name


def test_forms_reject_missing_csrf(owner, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(reverse("agent-pause", args=[agent.public_id]))

    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.paused is False
