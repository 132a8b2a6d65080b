"""Fixtures for the fault tests: stub provider, private Redis, and process stacks."""
import shutil
import uuid

import pytest
from django.conf import settings

from calls.providers import PROVIDERS
from tests.reliability.stack import RedisServer, Stack
from tests.reliability.stub_provider import PROVIDER_NAME, PROVIDER_PATH, StubServer

requires_redis = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs a Redis broker (queue contents, counters shared by processes); set CELERY_BROKER_URL=redis://…",
)
requires_server_database = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="starts worker and web processes that connect to the test database by a PostgreSQL URL; "
    "set DATABASE_URL to a PostgreSQL server",
)
requires_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="needs the redis-server binary to start a private Redis that the test can stop",
)


@pytest.fixture
def stub_provider(monkeypatch):
    """The stub HTTP server, with the stub provider registered in this process."""
    monkeypatch.setitem(PROVIDERS, PROVIDER_NAME, PROVIDER_PATH)
    server = StubServer().start()
    yield server
    server.stop()


@pytest.fixture
def private_queue():
    """Route every task this process sends to a queue of the test's own.

    The session's in-process worker (tests/conftest.py) consumes the session queue, so a
    test that counts messages or kills the worker holding a task needs its own.
    """
    from callkaro.celery import app

    queue = f"callkaro-test-{uuid.uuid4().hex[:8]}"
    previous_routes = app.conf.task_routes
    app.conf.task_routes = {**(previous_routes or {}), "calls.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()
    yield queue
    app.conf.task_routes = previous_routes
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()


@pytest.fixture
def stack(transactional_db, tmp_path, request, private_queue):
    """Start product processes on the test database; they are stopped after the test."""
    stacks = []

    def make(**kwargs) -> Stack:
        created = Stack(tmp_path, queue=private_queue, **kwargs)
        stacks.append(created)
        return created

    yield make
    for created in stacks:
        created.stop_all()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        for created in stacks:
            print(created.log_tail())


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
