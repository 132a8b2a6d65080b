"""The LeadSquared client against the local stub server, over real HTTP."""
import pytest

from integrations.leadsquared.client import Credentials, LeadSquaredClient
from integrations.leadsquared.errors import LeadSquaredError
from integrations.leadsquared.stub import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from tests.integrations.conftest import HOST

LEAD_ID = "5d1b7c2e-0a4f-4e8b-9c1d-3f2a6b7c8d90"


@pytest.fixture
def client(db, workspace, stub):
    return LeadSquaredClient(Credentials(HOST, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, workspace.pk))


def test_keys_sent_in_headers_only(client, stub):
    client.lead_by_id(LEAD_ID)

    request = stub.received[0]
    assert request.headers["x-lsq-accesskey"] == DEMO_ACCESS_KEY
    assert request.headers["x-lsq-secretkey"] == DEMO_SECRET_KEY
    assert request.query == {"id": LEAD_ID}
    assert DEMO_SECRET_KEY not in request.path


def test_lead_by_id_returns_fields(client):
    lead = client.lead_by_id(LEAD_ID)

    assert lead["mx_City"] == "Pune"
    assert lead["ProspectID"] == LEAD_ID


def test_lead_by_id_unknown_is_none(client):
    assert client.lead_by_id("00000000-0000-0000-0000-000000000000") is None


def test_metadata_excludes_option_sets(client, stub):
    fields = client.leads_metadata()

    assert stub.received[0].query == {"excludeOptionSets": "1"}
    assert all("Options" not in field for field in fields)


ERROR_CASES = [
    # (status, retryable, exception type, words in the message)
    (401, False, "MXUnAuthorizedAccessException", "rejected the access key"),
    (429, True, "MXAPIRateLimitExceededException", "rate limit"),
    (500, True, "MXUnknownException", "failed with 500"),
    (503, True, "MXUnknownException", "failed with 503"),
    (404, False, "MXUnknownException", "rejected"),
    (302, False, "MXUnknownException", "redirect"),
]


@pytest.mark.parametrize(("status", "retryable", "exception_type", "words"), ERROR_CASES, ids=[str(c[0]) for c in ERROR_CASES])
def test_error_answer_becomes_error(client, stub, status, retryable, exception_type, words):
    stub.answer_with(status)

    with pytest.raises(LeadSquaredError) as raised:
        client.user_by_access_key()

    assert raised.value.status_code == status
    assert raised.value.retryable is retryable
    assert raised.value.exception_type == exception_type
    assert words in raised.value.message


def test_wrong_keys_answer_401(db, workspace, stub):
    client = LeadSquaredClient(Credentials(HOST, "wrong", "keys", workspace.pk))

    with pytest.raises(LeadSquaredError) as raised:
        client.user_by_access_key()

    assert raised.value.unauthorized
    assert "Invalid access key or secret key" in raised.value.message


def test_slow_answer_times_out_as_sent(client, stub, settings):
    settings.LEADSQUARED_READ_TIMEOUT = 0.3
    stub.slow(1.5, times=1)

    with pytest.raises(LeadSquaredError) as raised:
        client.lead_by_id(LEAD_ID)

    assert raised.value.retryable is True
    assert raised.value.sent is True
    assert raised.value.status_code is None


def test_closed_port_not_sent(db, workspace, settings):
    from integrations.leadsquared.stub import LeadSquaredStub

    closed = LeadSquaredStub()
    settings.LEADSQUARED_STUB_BASE_URL = closed.url
    closed._server.server_close()
    client = LeadSquaredClient(Credentials(HOST, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, workspace.pk))

    with pytest.raises(LeadSquaredError) as raised:
        client.lead_by_id(LEAD_ID)

    assert raised.value.retryable is True
    assert raised.value.sent is False


def test_interactive_retry_recovers(db, workspace, stub):
    client = LeadSquaredClient(Credentials(HOST, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, workspace.pk), max_retries=2)
    stub.answer_with(500, times=2)

    user = client.user_by_access_key()

    assert user["TimeZone"] == "Asia/Kolkata"
    assert len(stub.received) == 3


def test_create_activity_returns_id(client, stub):
    activity_id = client.create_activity({"RelatedProspectId": LEAD_ID, "ActivityEvent": 201, "ActivityNote": "x"})

    assert activity_id == stub.activities[0]["Id"]


def test_create_activity_type_returns_code(client, stub):
    code = client.create_activity_type({"ActivityEventName": "AI phone call"})

    assert code == 201


def test_credentials_repr_hides_keys():
    credentials = Credentials(HOST, "access-123", "secret-456", 1)

    assert "secret-456" not in repr(credentials)
    assert "access-123" not in repr(credentials)
