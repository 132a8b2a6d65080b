"""POST /call/crm-webhook: authentication, responses, bodies and the delivery log."""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calls.models import Call, CallAttempt, Lead
from tests.conftest import fixture_bytes, load_fixture
from tests.factories import AgentFactory, WorkspaceFactory, issue_key
from webhooks.models import WebhookDelivery

URL = "/call/crm-webhook"


@pytest.fixture
def post(client, agent, api_key):
    def send(body=None, *, content_type="application/json", key=api_key, agent_id=None, **params):
        query = {"type": "leadsquared", "agent_id": agent.public_id if agent_id is None else agent_id, **params}
        if key is not None:
            query["x_api_key"] = key
        query = {name: value for name, value in query.items() if value is not None}
        if body is None:
            body = fixture_bytes("lead-created.json")
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        return client.generic("POST", URL + "?" + "&".join(f"{k}={v}" for k, v in query.items()), data=body, content_type=content_type)

    return send


def lead(**fields):
    base = load_fixture("lead-created.json")
    base.update(fields)
    return base


def test_head_answers_200(client):
    response = client.head(URL)

    assert response.status_code == 200


def test_get_answers_405_json(client):
    response = client.get(URL)

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_valid_lead_schedules_call(post, agent):
    response = post()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "scheduled"
    call = Call.objects.get(public_id=body["call_id"])
    assert call.agent == agent
    assert call.phone == "+919000000001"
    assert body["attempts_allowed"] == 1
    assert datetime.fromisoformat(body["scheduled_for"]).utcoffset() == timedelta(hours=5, minutes=30)
    assert call.variables == {
        "name": "Asha", "phone": "+91-9000000001", "email": "asha.verma@example.com",
        "company": "Example Traders", "city": "Pune", "product_interest": "Home loan",
    }


def test_in_window_lead_is_queued_and_enqueued_on_commit(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post()

    attempt = CallAttempt.objects.get(call__public_id=response.json()["call_id"])
    assert attempt.status == CallAttempt.Status.QUEUED
    assert attempt.number == 1
    assert len(callbacks) == 1


def window_excluding_now(zone="Asia/Kolkata"):
    """A two-hour window starting two hours from now, so now is outside it."""
    now = datetime.now(ZoneInfo(zone))
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    return start, end


def test_lead_outside_window_waits_for_opening(post):
    start, end = window_excluding_now()

    response = post(min_trigger_time=f"{start:%H:%M}", max_trigger_time=f"{end:%H:%M}", carry_over="true")

    scheduled_for = datetime.fromisoformat(response.json()["scheduled_for"])
    attempt = CallAttempt.objects.get(call__public_id=response.json()["call_id"])
    assert scheduled_for == start
    assert attempt.status == CallAttempt.Status.PENDING
    assert attempt.scheduled_for == start


def test_retries_reported_as_attempts_allowed(post):
    response = post(num_of_retries=3, gap_between_retries="2,4,6")

    call = Call.objects.get(public_id=response.json()["call_id"])
    assert response.json()["attempts_allowed"] == 4
    assert call.policy["gap_between_retries"] == [2.0, 4.0, 6.0]


@pytest.mark.parametrize("key", [None, "ck_wrong", "not-a-key", ""])
def test_missing_or_wrong_key_is_401(post, key):
    response = post(key=key)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_api_key"
    assert "X-API-KEY" in response.json()["message"]
    assert Call.objects.count() == 0


def test_revoked_key_is_401(post, workspace, api_key):
    from accounts.models import ApiKey

    ApiKey.objects.get(workspace=workspace).revoke()

    response = post()

    assert response.status_code == 401


def test_header_key_is_accepted(client, agent, api_key):
    response = client.post(
        f"{URL}?type=leadsquared&agent_id={agent.public_id}", data=fixture_bytes("lead-created.json"),
        content_type="application/json", HTTP_X_API_KEY=api_key,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"


def test_key_use_is_recorded(post, workspace):
    post()

    assert workspace.api_keys.get().last_used_at is not None


def test_unknown_agent_and_foreign_agent_get_same_404(post, db):
    foreign = AgentFactory(workspace=WorkspaceFactory())

    unknown = post(agent_id="0" * 24)
    other = post(agent_id=foreign.public_id)

    assert unknown.status_code == 404
    assert other.status_code == 404
    assert unknown.json()["error"] == other.json()["error"] == "agent_not_found"
    assert unknown.json()["message"].replace("0" * 24, "ID") == other.json()["message"].replace(foreign.public_id, "ID")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"type": None}, "type"),
        ({"type": "hubspot"}, "type"),
        ({"agent_id": ""}, "agent_id"),
        ({"min_trigger_time": "25:00", "max_trigger_time": "18:00"}, "min_trigger_time"),
        ({"num_of_retries": "3", "gap_between_retries": "2,4"}, "gap_between_retries"),
        ({"carry_over": "sometimes"}, "carry_over"),
    ],
)
def test_invalid_parameter_is_400_naming_it(post, params, parameter):
    response = post(**params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameters"
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert Call.objects.count() == 0
    assert WebhookDelivery.objects.get().result == WebhookDelivery.Result.INVALID


def test_invalid_parameter_error_shows_value(post):
    response = post(min_trigger_time="9pm", max_trigger_time="18:00")

    error = response.json()["errors"][0]
    assert error["value"] == "9pm"
    assert "HH:MM" in error["message"]


BODY_CASES = [
    ("json", fixture_bytes("lead-created.json"), "application/json"),
    ("json with charset", fixture_bytes("lead-created.json"), "application/json; charset=utf-8"),
    ("json with BOM", b"\xef\xbb\xbf" + fixture_bytes("lead-created.json"), "application/json"),
    ("utf-16 json with BOM", "\ufeff".encode("utf-16-le") + fixture_bytes("lead-created.json").decode().encode("utf-16-le"), "application/json"),
    ("form", fixture_bytes("lead-created.form.txt"), "application/x-www-form-urlencoded"),
    ("text/plain json", fixture_bytes("lead-created.json"), "text/plain"),
    ("no content type", fixture_bytes("lead-created.json"), ""),
    ("wrapped in Current", json.dumps({"Current": load_fixture("lead-created.json")}).encode(), "application/json"),
    ("wrapped in After", json.dumps({"After": load_fixture("lead-created.json")}).encode(), "application/json"),
    ("wrapped in Data", json.dumps({"Data": load_fixture("lead-created.json")}).encode(), "application/json"),
]


@pytest.mark.parametrize(("case", "body", "content_type"), BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_body_forms_schedule_call(post, case, body, content_type):
    response = post(body, content_type=content_type)

    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"
    call = Call.objects.get()
    assert call.phone == "+919000000001"
    assert call.variables["name"] == "Asha"
    assert call.lead.external_id == "5d1b7c2e-0a4f-4e8b-9c1d-3f2a6b7c8d90"


def test_wrapped_fixture_schedules_call(post):
    response = post(fixture_bytes("lead-created-wrapped.json"))

    assert response.json()["status"] == "scheduled"
    assert Call.objects.get().phone == "+919000000002"


def test_array_of_leads_answers_each(post):
    leads = [lead(ProspectID="a-1", Phone="9000000011"), lead(ProspectID="a-2", Phone="123"), lead(ProspectID="a-1")]

    response = post(leads)

    results = response.json()["results"]
    assert [result["status"] for result in results] == ["scheduled", "rejected", "duplicate"]
    assert Call.objects.count() == 1
    assert WebhookDelivery.objects.get().calls_created == 1


def test_numbers_and_nulls_in_values(post):
    response = post(lead(Phone=9000000003, mx_City=None, Company=12.0))

    call = Call.objects.get(public_id=response.json()["call_id"])
    assert call.phone == "+919000000003"
    assert call.variables["city"] == ""
    assert call.variables["company"] == "12"
    assert call.missing_fields == ["mx_City"]


def test_mobile_used_when_phone_missing(post):
    response = post(lead(Phone=None, Mobile="+91 90000 00004"))

    assert Call.objects.get(public_id=response.json()["call_id"]).phone == "+919000000004"


def test_mobile_used_when_phone_invalid(post):
    response = post(lead(Phone="12345", Mobile="9000000005"))

    assert Call.objects.get(public_id=response.json()["call_id"]).phone == "+919000000005"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"Phone": None, "Mobile": None}, "no_valid_phone"),
        ({"Phone": "12345", "Mobile": ""}, "no_valid_phone"),
        ({"DoNotCall": "1"}, "do_not_call"),
        ({"DoNotCall": 1}, "do_not_call"),
    ],
)
def test_uncallable_lead_is_200_with_reason(post, fields, reason):
    response = post(lead(**fields))

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"].startswith(reason)
    assert Call.objects.count() == 0
    assert Lead.objects.count() == 0
    assert WebhookDelivery.objects.get().result == WebhookDelivery.Result.REJECTED


def test_duplicate_lead_is_200_and_not_scheduled(post):
    first = post()
    second = post()

    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert second.json()["call_id"] == first.json()["call_id"]
    assert Call.objects.count() == 1
    assert CallAttempt.objects.count() == 1


def test_same_lead_for_two_agents_gets_two_calls(post, workspace):
    other_agent = AgentFactory(workspace=workspace)

    post()
    post(agent_id=other_agent.public_id)

    assert Call.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"", "application/json", "empty"),
        (b"{not json", "application/json", "not valid JSON"),
        (b"[]", "application/json", "empty array"),
        (b"[1, 2]", "application/json", "not a lead object"),
        (b"\"text\"", "application/json", "JSON string, not a lead object"),
        (b"[null]", "application/json", "JSON null, not a lead object"),
        (b"{\"Current\": null}", "application/json", "Current is null"),
        (b"\xfa\xfb\xfc", "application/json; charset=utf-8", "not valid utf-8"),
        (b"\xff\xfe\xfa", "application/json", "not valid utf-16-le"),
        (b"{}", "application/json; charset=no-such-codec", "no Phone or Mobile"),
        (b"hello", "text/plain", "neither JSON nor form"),
        (b"--x\r\n", "multipart/form-data; boundary=x", "multipart"),
    ],
)
def test_unreadable_body_is_200_with_reason(post, body, content_type, fragment):
    response = post(body, content_type=content_type)

    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert fragment in response.json()["reason"]
    assert Call.objects.count() == 0


def test_delivery_log_hides_key(post, api_key, agent):
    post()

    delivery = WebhookDelivery.objects.get()
    assert api_key not in delivery.url
    assert "x_api_key=[redacted]" in delivery.url
    assert delivery.agent == agent
    assert delivery.status_code == 200
    assert delivery.result == WebhookDelivery.Result.SCHEDULED
    assert "Asha" in delivery.body
    assert delivery.first_call == Call.objects.get()


def test_unauthorized_delivery_is_logged_without_key(post):
    post(key="ck_" + "a" * 40)

    delivery = WebhookDelivery.objects.get()
    assert delivery.result == WebhookDelivery.Result.UNAUTHORIZED
    assert "ck_" + "a" * 40 not in delivery.url
    assert delivery.workspace is None


def test_workspace_timezone_used_for_window(post, workspace):
    workspace.timezone = "Asia/Dubai"
    workspace.save()
    start, end = window_excluding_now("Asia/Dubai")

    response = post(min_trigger_time=f"{start:%H:%M}", max_trigger_time=f"{end:%H:%M}")

    assert datetime.fromisoformat(response.json()["scheduled_for"]) == start
    assert Call.objects.get().policy["timezone"] == "Asia/Dubai"


def test_oversized_body_is_413(post, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = post(lead(Notes="x" * 500))

    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_agent_default_window_applies(post, agent):
    start, end = window_excluding_now()
    agent.window_start, agent.window_end = start.time(), end.time()
    agent.save()

    response = post()

    assert datetime.fromisoformat(response.json()["scheduled_for"]) == start


def test_key_of_other_workspace_cannot_use_agent(post, agent):
    stranger_key = issue_key(WorkspaceFactory())

    response = post(key=stranger_key)

    assert response.status_code == 404


def test_nul_characters_are_dropped(post):
    response = post(lead(FirstName="As\u0000ha"))

    assert response.status_code == 200
    assert Call.objects.get().variables["name"] == "Asha"


def test_missing_type_says_missing(post):
    response = post(type=None)

    assert response.json()["message"].startswith("type is missing.")


def test_prospect_name_is_first_and_last_name(post, agent):
    agent.mappings.filter(name="name").update(field="ProspectName")

    post()

    assert Call.objects.get().variables["name"] == "Asha Verma"


def test_paused_agent_answer_has_note(post, agent):
    agent.paused = True
    agent.save()

    response = post()

    assert response.json()["status"] == "scheduled"
    assert "paused" in response.json()["note"]
