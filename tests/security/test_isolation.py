"""Tenant isolation: every endpoint, for the workspace's own key or members, an outsider, and no one.

Workspace A has the owner and the teammate; the outsider belongs to workspace B. For
every object of A, B's key and B's members get 404 (never 403, which would confirm the
object exists), also for ids they guess.

DASHBOARD_PAGES is the table of server-rendered pages: one row per page that shows a
workspace's object, covered for owner, teammate, outsider and anonymous.
"""
import secrets
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import ApiKey
from calls.intake import accept_lead
from calls.models import Call, Lead
from calls.policy import CallPolicy
from integrations.models import LeadSquaredConnection
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.helpers import encode, lead_body, webhook_url
from webhooks.models import WebhookDelivery

PROVIDER_API_KEY = "prov-ISOLATION-5e6f7a8b"
LEADSQUARED_SECRET = "LSQ-ISOLATION-SECRET-1a2b3c"


@dataclass
class Tenant:
    workspace: object
    agent: object
    call: Call
    key: str


@dataclass(frozen=True)
class Page:
    """A dashboard page; ``path`` is formatted with ``tenant`` (workspace A's objects)."""

    path: str
    owner: int = 200
    teammate: int = 200
    outsider: int = 404


# One row per dashboard page that shows one of workspace A's objects. Every action and list
# page is covered by tests/dashboard/test_access.py.
DASHBOARD_PAGES: list[Page] = [
    Page("/calls/{tenant.call.public_id}/"),
    Page("/agents/{tenant.agent.public_id}/"),
    Page("/agents/{tenant.agent.public_id}/variables/"),
    Page("/agents/{tenant.agent.public_id}/webhook/"),
]


def make_tenant(slug: str) -> Tenant:
    workspace = WorkspaceFactory(slug=slug)
    agent = agent_with_mappings(workspace=workspace, provider_api_key=PROVIDER_API_KEY)
    result = accept_lead(
        agent, {"ProspectID": f"{slug}-lead", "Phone": "+919000000001"}, CallPolicy(timezone="UTC"),
        crm="leadsquared", crm_lead_id=f"{slug}-lead",
    )
    LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key="ak", secret_key=LEADSQUARED_SECRET,
    )
    return Tenant(workspace, agent, result.call, issue_key(workspace))


@pytest.fixture
def plain_static(settings):
    """Static URLs without the collectstatic manifest, which the test run does not build."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tenants(db):
    own, other = make_tenant("tenant-a"), make_tenant("tenant-b")
    people = {
        "owner": MembershipFactory(workspace=own.workspace, user=UserFactory(username="owner")).user,
        "teammate": MembershipFactory(workspace=own.workspace, user=UserFactory(username="teammate"), role="member").user,
        "outsider": MembershipFactory(workspace=other.workspace, user=UserFactory(username="outsider")).user,
    }
    return own, other, people


def api_client(key: str | None) -> Client:
    headers = {"HTTP_X_API_KEY": key} if key else {}
    return Client(HTTP_HOST="127.0.0.1", **headers)


def guessed_call_ids(own: Tenant) -> list[str]:
    return [
        own.call.public_id,
        own.call.public_id.upper(),
        "call_" + "0" * 20,
        "call_" + secrets.token_hex(10),
        str(own.call.pk),
        own.call.lead.external_id,
    ]


def test_api_detail_matrix(tenants):
    own, other, _ = tenants
    path = f"/api/v1/calls/{own.call.public_id}"

    assert api_client(own.key).get(path).status_code == 200
    assert api_client(other.key).get(path).status_code == 404
    assert api_client(None).get(path).status_code == 401
    assert api_client("ck_" + secrets.token_hex(20)).get(path).status_code == 401


def test_api_detail_guessed_ids(tenants):
    own, other, _ = tenants
    for call_id in guessed_call_ids(own):
        response = api_client(other.key).get(f"/api/v1/calls/{call_id}")
        assert response.status_code == 404, call_id
        assert response.json()["error"] == "not_found"


def test_api_list_shows_own_calls_only(tenants):
    own, other, _ = tenants

    own_ids = [call["id"] for call in api_client(own.key).get("/api/v1/calls").json()["results"]]
    other_ids = [call["id"] for call in api_client(other.key).get("/api/v1/calls").json()["results"]]
    filtered = api_client(other.key).get(f"/api/v1/calls?agent_id={own.agent.public_id}").json()

    assert own_ids == [own.call.public_id]
    assert other_ids == [other.call.public_id]
    assert filtered["count"] == 0


def test_api_revoked_key_answers_401(tenants):
    own, _, _ = tenants
    ApiKey.find(own.key).revoke()

    assert api_client(own.key).get("/api/v1/calls").status_code == 401


def test_webhook_other_workspace_agent(tenants):
    own, other, _ = tenants
    leads_before = Lead.objects.filter(agent=own.agent).count()

    response = Client(HTTP_HOST="127.0.0.1").post(
        webhook_url(own.agent, other.key), encode(lead_body()), content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json()["error"] == "agent_not_found"
    assert Lead.objects.filter(agent=own.agent).count() == leads_before
    delivery = WebhookDelivery.objects.get(status_code=404)
    assert delivery.workspace == other.workspace
    assert delivery.agent is None


def test_webhook_guessed_agent_ids(tenants):
    own, other, _ = tenants
    client = Client(HTTP_HOST="127.0.0.1")
    for agent_id in [own.agent.public_id.upper(), "0" * 24, secrets.token_hex(12), str(own.agent.pk)]:
        url = f"/call/crm-webhook?agent_id={agent_id}&type=leadsquared&x_api_key={other.key}"
        response = client.post(url, encode(lead_body()), content_type="application/json")
        assert response.status_code == 404, agent_id


ADMIN_PAGES = [
    "/admin/",
    "/admin/calls/call/",
    "/admin/calls/call/{tenant.call.pk}/change/",
    "/admin/calls/callattempt/",
    "/admin/calls/lead/",
    "/admin/agents/agent/{tenant.agent.pk}/change/",
    "/admin/accounts/apikey/",
    "/admin/accounts/workspace/{tenant.workspace.pk}/change/",
    "/admin/webhooks/webhookdelivery/",
    "/admin/integrations/leadsquaredconnection/",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("person", ["owner", "teammate", "outsider", "anonymous"])
def test_admin_closed_to_workspace_users(tenants, page, person):
    own, _, people = tenants
    client = Client(HTTP_HOST="127.0.0.1")
    if person != "anonymous":
        client.force_login(people[person])

    response = client.get(page.format(tenant=own))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_shows_no_secret_to_staff(tenants, page, plain_static):
    own, _, _ = tenants
    WebhookDelivery.objects.all().delete()
    Client(HTTP_HOST="127.0.0.1").post(webhook_url(own.agent, own.key), encode(lead_body()), content_type="application/json")
    staff = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)

    response = client.get(page.format(tenant=own))
    text = response.content.decode()

    assert response.status_code == 200
    assert own.key not in text
    assert own.key[3:] not in text
    assert PROVIDER_API_KEY not in text
    assert LEADSQUARED_SECRET not in text
    assert ApiKey.find(own.key).key_hash not in text


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
@pytest.mark.parametrize("person", ["owner", "teammate", "outsider"])
def test_dashboard_page_matrix(tenants, page, person, plain_static):
    own, _, people = tenants
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people[person])

    response = client.get(page.path.format(tenant=own))

    assert response.status_code == getattr(page, person)


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
def test_dashboard_page_needs_login(tenants, page):
    own, _, _ = tenants

    response = Client(HTTP_HOST="127.0.0.1").get(page.path.format(tenant=own))

    assert response.status_code == 302
