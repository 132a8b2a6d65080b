"""Fixtures shared by every suite."""
import json
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, agent_with_mappings, issue_key

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Set while the session's in-process Celery worker runs (see celery_session_worker).
_session_worker_running = False


def pytest_sessionstart(session):
    broker_dir = Path(settings.VAR_DIR) / "broker"
    if broker_dir.exists():
        shutil.rmtree(broker_dir / "queue", ignore_errors=True)
        (broker_dir / "queue").mkdir(parents=True, exist_ok=True)


def load_fixture(name: str):
    path = FIXTURES / name
    return json.loads(path.read_text()) if path.suffix == ".json" else path.read_text()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


requires_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (row locks and concurrent transactions); set DATABASE_URL",
)


@pytest.fixture(autouse=True)
def empty_webhook_lookups():
    """Start each test with an empty webhook lookup cache: rolled-back rows must not be served."""
    from webhooks import lookups

    lookups.clear()


@pytest.fixture(autouse=True)
def no_real_resolution(monkeypatch):
    """Fail a test that would resolve a real LeadSquared host: tests must reach only local servers.

    The SSRF guard tests pass their own resolver; everything else talks to the local stub.
    """
    from integrations.leadsquared import hosts

    def reject(host, port):
        raise AssertionError(f"a test tried to resolve {host!r}; use the LeadSquared stub or a test resolver")

    monkeypatch.setattr(hosts, "resolver", reject)


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Acme Realty", slug="acme")


@pytest.fixture
def owner(workspace):
    return MembershipFactory(workspace=workspace, user=UserFactory(username="owner")).user


@pytest.fixture
def teammate(workspace):
    return MembershipFactory(workspace=workspace, user=UserFactory(username="teammate"), role="member").user


@pytest.fixture
def outsider(db):
    other = WorkspaceFactory(name="Other Co", slug="other")
    return MembershipFactory(workspace=other, user=UserFactory(username="outsider")).user


@pytest.fixture
def agent(workspace):
    return agent_with_mappings(workspace=workspace, name="Sales agent")


@pytest.fixture
def api_key(workspace):
    return issue_key(workspace)


@pytest.fixture(scope="session")
def celery_session_worker(django_db_setup, django_db_blocker):
    """A real Celery worker, in threads of this process, on the configured broker.

    One worker serves the whole session; starting and stopping one per test costs
    about four seconds each.
    """
    from celery.contrib.testing.worker import start_worker

    from callkaro.celery import app

    app.conf.task_always_eager = False
    with django_db_blocker.unblock():
        with start_worker(
            app, pool="threads", concurrency=4, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10,
            queues=[settings.CELERY_TASK_DEFAULT_QUEUE, settings.LEADSQUARED_TASK_QUEUE],
        ) as worker:
            global _session_worker_running
            _session_worker_running = True
            try:
                yield worker
            finally:
                _session_worker_running = False
        connection.close()


def drain_worker(timeout: float = 15.0) -> None:
    """Drop queued messages and wait until the worker runs no task.

    The test database is flushed (TRUNCATE) after each test; a task still running then
    can deadlock with the flush on PostgreSQL.
    """
    from celery.worker import state

    from callkaro.celery import app

    try:
        with app.connection_for_write() as broker:
            for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.LEADSQUARED_TASK_QUEUE):
                broker.default_channel.queue_purge(queue)
    except Exception:  # noqa: BLE001 - a queue that was never declared has nothing to purge
        pass
    deadline = time.monotonic() + timeout
    while (state.active_requests or state.reserved_requests) and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Drain the session's worker before any fixture of the test is torn down.

    Any transactional test can commit a lead due now, whose place_call the session's worker
    then picks up even if the test never asked for the worker. Draining here, before the
    database fixture's flush, keeps that task from deadlocking with the flush's TRUNCATE.
    """
    if _session_worker_running:
        drain_worker()


@pytest.fixture
def celery_worker(transactional_db, celery_session_worker):
    """The session's worker, for a test whose rows it must see (committed transactions).

    pytest_runtest_teardown drains it after the test.
    """
    return celery_session_worker
