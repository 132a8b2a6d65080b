"""Logs: keys sent in query strings, headers and bodies through gunicorn (production
gunicorn.conf.py, access log on, debug level) appear in no log the product or gunicorn wrote,
nor in the delivery log."""
import pytest
import requests

from calls.models import CallAttempt
from tests.factories import WorkspaceFactory, agent_with_mappings, issue_key
from tests.reliability.conftest import requires_server_database
from tests.reliability.helpers import lead_body
from tests.reliability.stack import wait_until
from webhooks.models import WebhookDelivery

pytestmark = [requires_server_database, pytest.mark.slow]

BOGUS_KEY = "ck_0123456789abcdef0123456789abcdef01234567"


def send_keyed_requests(base: str, agent, key: str) -> list[int]:
    """Send the key every way a client might; return the status codes."""
    webhook = f"{base}/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared"
    sent = [
        requests.post(f"{webhook}&x_api_key={key}", json=lead_body(), timeout=30),
        requests.post(f"{webhook}&x_api_key={BOGUS_KEY}", json=lead_body(), timeout=30),
        requests.post(f"{webhook}&x_api_key={key}&timezone=Mars/Base", json=lead_body(), timeout=30),
        requests.post(f"{webhook}&x_api_key={key}&agent_id=%00", json=lead_body(), timeout=30),
        requests.post(f"{webhook}&api_key={key}", json=lead_body(), headers={"X-API-KEY": key}, timeout=30),
        requests.post(webhook, json={**lead_body(), "Notes": f"key {key}"}, headers={"X-API-KEY": key}, timeout=30),
        requests.post(
            f"{webhook}&x_api_key={key}", data=b"not json", timeout=30,
            headers={"Content-Type": "application/json", "Referer": f"https://crm.example/hook?x_api_key={key}"},
        ),
        requests.head(f"{webhook}&x_api_key={key}", timeout=30),
        requests.get(f"{base}/api/v1/calls?x_api_key={key}", timeout=30),
        requests.get(f"{base}/api/v1/calls/call_missing?x_api_key={key}", timeout=30),
        requests.get(f"{base}/no-such-page?x_api_key={key}", timeout=30),
    ]
    sent += [requests.post(f"{webhook}&x_api_key={key}", json=lead_body(), timeout=30) for _ in range(3)]
    return [response.status_code for response in sent]


def test_keys_reach_no_log(stack, tmp_path):
    workspace = WorkspaceFactory(slug="logs")
    agent = agent_with_mappings(workspace=workspace)
    key = issue_key(workspace)
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    processes = stack(LOG_LEVEL="DEBUG", DEBUG="false", API_KEY_RATE_LIMIT=6)
    base = processes.start_gunicorn(
        extra_args=("--log-level", "debug"), GUNICORN_ACCESS_LOG=access_log, GUNICORN_ERROR_LOG=error_log,
    )
    processes.start_worker()
    processes.start_dispatcher()

    statuses = send_keyed_requests(base, agent, key)
    wait_until(
        lambda: CallAttempt.objects.filter(status=CallAttempt.Status.ENDED).count() >= 3, timeout=60,
        message="the worker to place the calls",
    )
    processes.stop_all()

    assert set(statuses) >= {200, 400, 401, 404, 429}
    logs = {path.name: path.read_text(errors="replace") for path in tmp_path.glob("*.log")}
    assert {"access.log", "error.log", "web.log", "worker.log", "dispatcher.log"} <= set(logs)
    assert "[redacted]" in logs["access.log"]
    assert len(logs["access.log"].splitlines()) == len(statuses)
    for name, text in logs.items():
        assert key not in text, name
        assert key[3:] not in text, name
        assert BOGUS_KEY[3:] not in text, name
    deliveries = list(WebhookDelivery.objects.values_list("url", "body", "response", "reason"))
    # Every webhook POST but the one rejected for its NUL character, before the view.
    assert len(deliveries) == 9
    for row in deliveries:
        assert key[3:] not in str(row)
