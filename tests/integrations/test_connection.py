"""Test connection and the field cache, against the local stub server."""
import pytest

from accounts.models import Workspace
from integrations.leadsquared.catalogue import STANDARD_FIELDS, LeadField, fields_for
from integrations.leadsquared.connection import check as check_connection, region_for_country_code, test_connection
from integrations.leadsquared.errors import LeadSquaredError
from integrations.leadsquared.fields import refresh_fields
from integrations.models import LeadSquaredConnection

Status = LeadSquaredConnection.Status


@pytest.fixture
def foreign_workspace(workspace):
    """A workspace whose defaults differ from the LeadSquared account's."""
    Workspace.objects.filter(pk=workspace.pk).update(timezone="Europe/London", default_region="GB")
    workspace.refresh_from_db()
    return workspace


def test_success_marks_connected(connection):
    result = check_connection(connection)

    connection.refresh_from_db()
    assert result.ok is True
    assert connection.status == Status.CONNECTED
    assert connection.last_error == ""
    assert connection.last_checked_at is not None


def test_success_sets_workspace_defaults(foreign_workspace, connection):
    result = check_connection(connection)

    foreign_workspace.refresh_from_db()
    assert foreign_workspace.timezone == "Asia/Kolkata"
    assert foreign_workspace.default_region == "IN"
    assert result.applied_defaults == {"timezone": "Asia/Kolkata", "default_region": "IN"}


def test_retest_keeps_admin_choice(foreign_workspace, connection):
    check_connection(connection)
    Workspace.objects.filter(pk=foreign_workspace.pk).update(timezone="Asia/Dubai")

    check_connection(connection)

    foreign_workspace.refresh_from_db()
    assert foreign_workspace.timezone == "Asia/Dubai"


def test_regional_host_suggested(connection):
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(host="api.leadsquared.com")
    connection.refresh_from_db()

    result = check_connection(connection)

    connection.refresh_from_db()
    assert connection.suggested_host == "api-in21.leadsquared.com"
    assert result.suggested_host == "api-in21.leadsquared.com"
    assert "api-in21.leadsquared.com" in result.message


def test_same_host_not_suggested(connection):
    check_connection(connection)

    connection.refresh_from_db()
    assert connection.suggested_host == ""


def test_401_marks_invalid_with_reason(connection, stub):
    stub.answer_with(401)

    result = check_connection(connection)

    connection.refresh_from_db()
    assert result.ok is False
    assert connection.status == Status.INVALID
    assert "Invalid access key or secret key" in connection.last_error
    assert result.message == connection.last_error


def test_wrong_keys_mark_invalid(workspace, stub):
    connection = LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com", access_key="wrong", secret_key="wrong",
    )

    check_connection(connection)

    connection.refresh_from_db()
    assert connection.status == Status.INVALID


def test_outage_marks_unreachable(connection, stub):
    stub.answer_with(500)

    result = check_connection(connection)

    connection.refresh_from_db()
    assert result.ok is False
    assert connection.status == Status.UNREACHABLE
    assert len(stub.requests_to("Authentication.svc/UserByAccessKey.Get")) == 3


def test_bad_host_marks_invalid(workspace, stub):
    connection = LeadSquaredConnection.objects.create(
        workspace=workspace, host="leadsquared.com.evil.example", access_key="a", secret_key="b",
    )

    result = check_connection(connection)

    connection.refresh_from_db()
    assert connection.status == Status.INVALID
    assert "only hosts under leadsquared.com" in result.message
    assert stub.received == []


def test_success_fills_field_cache(connection):
    check_connection(connection)

    connection.refresh_from_db()
    assert connection.fields_fetched_at is not None
    assert {"schema_name": "mx_City", "display_name": "City", "data_type": "Select"} in connection.fields_cache


def test_test_connection_returns_connection(connection):
    returned = test_connection(connection)

    assert returned is connection
    assert returned.status == Status.CONNECTED
    assert returned.test_result.ok is True


REGIONS = [("91", "IN"), ("+1", "US"), ("44", "GB"), ("", ""), ("abc", ""), ("999", "")]


@pytest.mark.parametrize(("code", "region"), REGIONS)
def test_region_for_country_code(code, region):
    assert region_for_country_code(code) == region


def test_fields_for_without_cache_is_standard(connection):
    assert fields_for(connection.workspace) == list(STANDARD_FIELDS)


def test_fields_for_reads_cache(connection, stub):
    refresh_fields(connection)
    stub.reset()

    fields = fields_for(type(connection.workspace).objects.get(pk=connection.workspace_id))

    assert LeadField("mx_Budget", "Budget", "Number") in fields
    assert len(fields) == 10
    assert stub.received == []


def test_refresh_picks_up_new_field(connection, stub):
    refresh_fields(connection)
    stub.state.metadata.append({"SchemaName": "mx_Plot_Size", "DisplayName": "Plot Size", "DataType": "Number"})

    refresh_fields(connection)

    workspace = type(connection.workspace).objects.get(pk=connection.workspace_id)
    assert LeadField("mx_Plot_Size", "Plot Size", "Number") in fields_for(workspace)
    assert len(stub.requests_to("LeadManagement.svc/LeadsMetaData.Get")) == 2


def test_failed_refresh_keeps_cache(connection, stub):
    refresh_fields(connection)
    fetched_at = connection.fields_fetched_at
    stub.answer_with(500)

    with pytest.raises(LeadSquaredError):
        refresh_fields(connection)

    connection.refresh_from_db()
    assert connection.fields_fetched_at == fetched_at
    assert len(connection.fields_cache) == 10
