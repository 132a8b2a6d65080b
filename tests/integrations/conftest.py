"""Fixtures for the LeadSquared tests: the local stub server, a connection to it, a worker."""
import pytest

from integrations.leadsquared import ratelimit
from integrations.leadsquared.stub import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LeadSquaredStub
from integrations.models import LeadSquaredConnection

HOST = "api-in21.leadsquared.com"


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """A limit no ordinary test reaches; the rate-limit tests set their own."""
    settings.LEADSQUARED_RATE_LIMIT = 1000
    settings.LEADSQUARED_RATE_WINDOW = 1.0


@pytest.fixture
def stub(settings):
    with LeadSquaredStub() as server:
        settings.LEADSQUARED_STUB_BASE_URL = server.url
        yield server


@pytest.fixture
def connection(workspace, stub):
    ratelimit.reset(workspace.pk)
    return LeadSquaredConnection.objects.create(
        workspace=workspace, host=HOST, access_key=DEMO_ACCESS_KEY, secret_key=DEMO_SECRET_KEY,
    )


@pytest.fixture
def connected(connection):
    LeadSquaredConnection.objects.filter(pk=connection.pk).update(
        status=LeadSquaredConnection.Status.CONNECTED, activity_event_code=201,
    )
    connection.refresh_from_db()
    return connection


@pytest.fixture
def crm_worker(celery_worker):
    """The session's Celery worker, which consumes the default and the write-back queue.

    One worker per process: a second worker started beside the session's left rescheduled
    write-back tasks unrun when the whole suite ran on Redis.
    """
    return celery_worker
