"""Sign-in, workspace switching and API keys."""
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Membership, hash_api_key
from accounts.workspaces import SESSION_KEY
from tests.factories import UserFactory, WorkspaceFactory


def test_login_signs_in(owner):
    client = Client()

    response = client.post(reverse("login"), {"username": "owner", "password": "password"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_wrong_password(owner):
    response = Client().post(reverse("login"), {"username": "owner", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_signs_out(owner_client):
    response = owner_client.post(reverse("logout"))

    assert response.status_code == 302
    assert owner_client.get("/").status_code == 302


def test_user_without_workspace_sees_403(db):
    client = Client()
    client.force_login(UserFactory(username="loner"))

    response = client.get("/")

    assert response.status_code == 403
    assert "not in a workspace" in response.content.decode()


def test_switch_workspace(owner, owner_client, workspace):
    second = WorkspaceFactory(name="Second Co", slug="second")
    Membership.objects.create(user=owner, workspace=second, role="member")
    assert "Second Co" in owner_client.get("/").content.decode()

    response = owner_client.post(reverse("workspace-switch"), {"workspace": second.pk})

    assert response.status_code == 302
    assert owner_client.session[SESSION_KEY] == second.pk
    assert "Today in" in owner_client.get("/").content.decode()


def test_switch_to_foreign_workspace_404(owner_client, outsider, workspace):
    foreign = outsider.memberships.get().workspace

    response = owner_client.post(reverse("workspace-switch"), {"workspace": foreign.pk})

    assert response.status_code == 404
    assert owner_client.session[SESSION_KEY] == workspace.pk


def test_switch_with_bad_value_404(owner_client):
    assert owner_client.post(reverse("workspace-switch"), {"workspace": "abc"}).status_code == 404


def test_api_key_created_shown_once(teammate_client, workspace):
    response = teammate_client.post(reverse("api-key-create"), {"name": "LeadSquared production"})

    page = response.content.decode()
    api_key = ApiKey.objects.get(workspace=workspace, name="LeadSquared production")
    raw = page.split('id="new-key">')[1].split("<")[0]
    assert raw.startswith("ck_")
    assert api_key.key_hash == hash_api_key(raw)
    assert raw not in teammate_client.get(reverse("api-keys")).content.decode()


def test_api_key_without_name_400(owner_client, workspace):
    response = owner_client.post(reverse("api-key-create"), {"name": ""})

    assert response.status_code == 400
    assert not ApiKey.objects.filter(workspace=workspace).exists()


def test_api_key_list_hides_hash(owner_client, workspace):
    api_key, raw = ApiKey.issue(workspace, "production")

    page = owner_client.get(reverse("api-keys")).content.decode()

    assert "production" in page
    assert api_key.prefix in page
    assert api_key.key_hash not in page
    assert raw not in page


def test_api_key_revoke(owner_client, workspace):
    api_key, raw = ApiKey.issue(workspace, "old")

    response = owner_client.post(reverse("api-key-revoke", args=[api_key.pk]))

    assert response.status_code == 302
    assert ApiKey.find(raw) is None
