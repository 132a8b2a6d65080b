"""Fixtures for the LeadSquared tests: the local stub server, a connection to it, a worker."""
import pytest
from django.db import connection as db_connection

from integrations.leadsquared import hosts, ratelimit
from integrations.leadsquared.stub import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LeadSquaredStub
from integrations.models import LeadSquaredConnection

HOST = "api-in21.leadsquared.com"


@pytest.fixture(autouse=True)
def no_real_resolution(monkeypatch):
    """Fail any test that would resolve a real host name: the guard tests pass their own resolver."""

    def reject(host, port):
        raise AssertionError(f"a test tried to resolve {host!r}; pass a test resolver")

    monkeypatch.setattr(hosts, "resolver", reject)


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
def crm_worker(transactional_db, settings):
    """A real Celery worker in threads of this process, consuming the default and the write-back queue."""
    from celery.contrib.testing.worker import start_worker

    from callkaro.celery import app

    app.conf.task_always_eager = False
    queues = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.LEADSQUARED_TASK_QUEUE]
    with start_worker(
        app, pool="threads", concurrency=8, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10,
        queues=queues,
    ) as worker:
        yield worker
    db_connection.close()
