"""At rest: a raw SQL read of every table finds no plaintext LeadSquared key, provider key or API key."""
import pytest
from django.db import connection

from accounts.models import ApiKey
from integrations.models import LeadSquaredConnection
from tests.factories import agent_with_mappings

LEADSQUARED_ACCESS_KEY = "u$rLSQ-ACCESS-4b1f2e9d7c"
LEADSQUARED_SECRET_KEY = "LSQ-SECRET-8f3a6c1e0b9d42"
PROVIDER_API_KEY = "prov-KEY-71c2d9e4a5b6"


def every_cell() -> list[str]:
    """Every value of every table, read with plain SQL and no model field in between."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values.extend(str(value) for value in row if value is not None)
    return values


@pytest.mark.django_db
def test_raw_tables_hold_no_plaintext_secret(workspace):
    LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com",
        access_key=LEADSQUARED_ACCESS_KEY, secret_key=LEADSQUARED_SECRET_KEY,
    )
    agent_with_mappings(workspace=workspace, provider_api_key=PROVIDER_API_KEY)
    _, raw_api_key = ApiKey.issue(workspace, "at rest")
    secrets = {
        "LeadSquared access key": LEADSQUARED_ACCESS_KEY,
        "LeadSquared secret key": LEADSQUARED_SECRET_KEY,
        "provider API key": PROVIDER_API_KEY,
        "API key": raw_api_key,
        "API key without its prefix": raw_api_key[3:],
    }

    cells = every_cell()

    assert len(cells) > 0
    for name, secret in secrets.items():
        assert not [cell for cell in cells if secret in cell], f"{name} stored in plain text"


@pytest.mark.django_db
def test_encrypted_fields_read_back(workspace):
    LeadSquaredConnection.objects.create(
        workspace=workspace, host="api-in21.leadsquared.com",
        access_key=LEADSQUARED_ACCESS_KEY, secret_key=LEADSQUARED_SECRET_KEY,
    )
    agent = agent_with_mappings(workspace=workspace, provider_api_key=PROVIDER_API_KEY)

    stored = LeadSquaredConnection.objects.get(workspace=workspace)
    agent.refresh_from_db()

    assert stored.access_key == LEADSQUARED_ACCESS_KEY
    assert stored.secret_key == LEADSQUARED_SECRET_KEY
    assert agent.provider_api_key == PROVIDER_API_KEY
