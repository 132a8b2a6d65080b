"""Property-based tests: any advanced parameter or webhook body gets a JSON response naming
the problem, never a 500."""
import json
import string

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from webhooks.params import parse_parameters

PARAMETERS = [
    "min_trigger_time", "max_trigger_time", "carry_over", "num_of_retries", "gap_between_retries",
    "timezone", "retry_on",
]
# Values near the accepted forms, plus anything at all.
parameter_values = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A-?[0-9]{1,3}(:[0-9]{1,3})?\Z"),
    st.from_regex(r"\A[0-9.,\s]{0,20}\Z"),
    st.sampled_from(["true", "false", "yes", "0", "1", "Asia/Kolkata", "UTC", "no_answer,busy", "09:00", "24:00"]),
)
queries = st.dictionaries(st.sampled_from(PARAMETERS), parameter_values, max_size=len(PARAMETERS))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
lead_objects = st.fixed_dictionaries(
    {"ProspectID": st.text(max_size=20), "Phone": st.text(string.digits + "+- ", max_size=16)},
    optional={"FirstName": json_values, "DoNotCall": json_values, "Mobile": json_values, "Current": json_values},
)
bodies = st.one_of(
    lead_objects.map(lambda lead: json.dumps(lead).encode()),
    st.lists(lead_objects, max_size=3).map(lambda leads: json.dumps(leads).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)
content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-16", "application/x-www-form-urlencoded",
    "text/plain", "multipart/form-data; boundary=x", "", "application/octet-stream", "application/json; charset=nope",
])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(query=queries)
def test_parse_parameters_names_each_problem(query):
    parsed = parse_parameters(query, default_timezone="Asia/Kolkata")

    assert (parsed.policy is None) == bool(parsed.errors)
    for error in parsed.errors:
        assert error.parameter in PARAMETERS
        assert error.parameter in error.message


@pytest.mark.django_db
@FUZZ
@given(query=queries)
def test_webhook_parameters_never_500(agent, api_key, query):
    client = Client(HTTP_HOST="127.0.0.1")
    query = {"agent_id": agent.public_id, "type": "leadsquared", "x_api_key": api_key, **query}

    response = client.post(
        "/call/crm-webhook", json.dumps({"Phone": "+919000000001"}), content_type="application/json",
        query_params=query,
    )

    body = response.json()
    assert response.status_code in (200, 400)
    if response.status_code == 400 and body["error"] == "invalid_request":
        assert "NUL" in body["message"]
    elif response.status_code == 400:
        assert body["error"] == "invalid_parameters"
        assert {error["parameter"] for error in body["errors"]} <= set(PARAMETERS)
        assert body["message"]
    else:
        assert body["status"] in ("scheduled", "duplicate")


@pytest.mark.django_db
@FUZZ
@given(body=bodies, content_type=content_types)
def test_webhook_bodies_never_500(agent, api_key, body, content_type):
    url = f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={api_key}"

    # generic() sends the bytes as they are; post() would re-encode them in the declared charset.
    response = Client(HTTP_HOST="127.0.0.1").generic("POST", url, body, content_type=content_type)

    assert response.status_code == 200, (content_type, body, response.content)

    answer = response.json()
    entries = answer["results"] if "results" in answer else [answer]
    for entry in entries:
        assert entry["status"] in ("scheduled", "duplicate", "rejected")
        if entry["status"] == "rejected":
            assert entry["reason"]


@pytest.mark.django_db
@FUZZ
@given(agent_id=st.text(max_size=40), crm_type=st.text(max_size=20), key=st.text(max_size=60))
def test_webhook_identifiers_never_500(agent, api_key, agent_id, crm_type, key):
    response = Client(HTTP_HOST="127.0.0.1").post(
        "/call/crm-webhook", b"{}", content_type="application/json",
        query_params={"agent_id": agent_id, "type": crm_type, "x_api_key": key},
    )

    assert response.status_code in (400, 401, 404)
    body = response.json()
    assert body["error"]
    assert body["message"]
