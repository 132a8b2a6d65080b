"""GET /api/v1/calls and /api/v1/calls/{id}: API-key auth, workspace scope, filters."""
import pytest

from calls.models import CallAttempt
from tests.calls.conftest import make_call
from tests.factories import AgentFactory, WorkspaceFactory, issue_key


@pytest.fixture
def api(client, api_key):
    def get(path, key=api_key, **params):
        headers = {"HTTP_X_API_KEY": key} if key else {}
        return client.get(path, params, **headers)

    return get


def test_call_detail_shows_attempts(api, agent):
    call, attempt = make_call(agent)

    response = api(f"/api/v1/calls/{call.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == call.public_id
    assert body["agent_id"] == agent.public_id
    assert body["phone"] == "+919000000001"
    assert body["variables"] == {"name": "Asha"}
    assert body["policy"]["num_of_retries"] == 0
    assert body["attempts_allowed"] == 1
    assert [a["number"] for a in body["attempts"]] == [1]
    assert body["attempts"][0]["status"] == "queued"
    assert set(body["attempts"][0]) >= {"outcome", "scheduled_for", "started_at", "ended_at", "provider_call_id"}


def test_call_list_filters_by_agent_and_status(api, agent, workspace):
    other_agent = AgentFactory(workspace=workspace)
    queued, _ = make_call(agent)
    pending, _ = make_call(agent, phone="+919000000002", status=CallAttempt.Status.PENDING)
    make_call(other_agent)

    by_agent = api("/api/v1/calls", agent_id=agent.public_id).json()
    scheduled = api("/api/v1/calls", agent_id=agent.public_id, status="scheduled").json()

    assert by_agent["count"] == 2
    assert {call["id"] for call in by_agent["results"]} == {queued.public_id, pending.public_id}
    assert scheduled["count"] == 2


def test_unknown_status_filter_is_400(api):
    response = api("/api/v1/calls", status="done")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_call_of_other_workspace_is_404(api, db):
    stranger_call, _ = make_call(AgentFactory(workspace=WorkspaceFactory()))

    response = api(f"/api/v1/calls/{stranger_call.public_id}")

    assert response.status_code == 404


def test_list_shows_only_own_workspace(api, agent):
    make_call(agent)
    make_call(AgentFactory(workspace=WorkspaceFactory()), phone="+919000000003")

    body = api("/api/v1/calls").json()

    assert body["count"] == 1


@pytest.mark.parametrize("key", [None, "ck_unknown"])
def test_api_requires_key(api, key):
    response = api("/api/v1/calls", key=key)

    assert response.status_code == 401
    assert response.json()["error"] in ("not_authenticated", "authentication_failed")


def test_query_parameter_key_works(client, api_key, agent):
    make_call(agent)

    response = client.get("/api/v1/calls", {"x_api_key": api_key})

    assert response.status_code == 200


def test_other_workspace_key_sees_nothing(client, agent):
    make_call(agent)
    stranger_key = issue_key(WorkspaceFactory())

    response = client.get("/api/v1/calls", HTTP_X_API_KEY=stranger_key)

    assert response.json()["count"] == 0
