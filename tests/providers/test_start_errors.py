"""How start_call classifies a provider's failures, over real HTTP to a scripted local server."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from calls.providers import get_provider, http
from calls.providers.base import CallRequest, ProviderError
from tests.providers.conftest import PROVIDER_NAMES, provider_agent

REQUEST = CallRequest(attempt_id=7, call_id="call_test", phone="+919876543210", variables={"name": "Asha"})

NUMBER_MESSAGES = {
    "retell": "Invalid to_number +919876543210.",
    "vapi": ["customer.number must be a valid phone number in the E.164 format."],
    "bland": "Invalid phone_number +919876543210.",
}

# (case, status, body, permanent, outcome)
ANSWER_CASES = [
    ("unauthorized", 401, {"message": "Unauthorized"}, True, None),
    ("forbidden", 403, {"message": "Forbidden"}, True, None),
    ("rate limited", 429, {"message": "Too many requests"}, False, None),
    ("server error", 500, {"message": "Internal error"}, False, None),
    ("unavailable", 503, {"message": "Service unavailable"}, False, None),
    ("concurrency limit", 402, {"message": "Concurrency limit reached for this account"}, False, None),
    ("bad setting", 400, {"message": "override_agent_id / assistantId / pathway_id not found"}, True, None),
]


class ScriptedServer:
    """A loopback HTTP server that responds to every request with one status and JSON body."""

    def __init__(self, status: int = 200, body: object = None, delay: float = 0.0):
        self.status, self.body, self.delay = status, body or {}, delay
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(server.delay)
                raw = json.dumps(server.body).encode()
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up first (the timeout case)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted(settings):
    servers = []

    def serve(provider_name: str, status: int = 200, body: object = None, delay: float = 0.0) -> ScriptedServer:
        server = ScriptedServer(status, body, delay)
        servers.append(server)
        settings.PROVIDER_STUB_BASE_URLS = {provider_name: server.url}
        return server

    yield serve
    for server in servers:
        server.close()


def start_error(workspace, provider_name: str) -> ProviderError:
    agent = provider_agent(workspace, provider_name)
    with pytest.raises(ProviderError) as caught:
        get_provider(provider_name).start_call(agent, REQUEST)
    return caught.value


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
@pytest.mark.parametrize("case, status, body, permanent, outcome", ANSWER_CASES)
def test_answer_classified(workspace, scripted, provider_name, case, status, body, permanent, outcome):
    scripted(provider_name, status, body)

    error = start_error(workspace, provider_name)

    assert error.permanent is permanent
    assert error.outcome == outcome


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_invalid_number_permanent(workspace, scripted, provider_name):
    scripted(provider_name, 400, {"message": NUMBER_MESSAGES[provider_name]})

    error = start_error(workspace, provider_name)

    assert error.permanent is True
    assert error.outcome == "invalid_number"


def test_bland_error_status_in_ok_answer(workspace, scripted):
    scripted("bland", 200, {"status": "error", "message": "Invalid phone_number +919876543210."})

    error = start_error(workspace, "bland")

    assert error.outcome == "invalid_number"


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_timeout_transient(workspace, scripted, provider_name, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.2)
    scripted(provider_name, 201, {"call_id": "late", "id": "late", "status": "success"}, delay=1.0)

    error = start_error(workspace, provider_name)

    assert error.permanent is False
    assert "timed out" in error.message


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_connection_refused_transient(workspace, settings, provider_name):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.PROVIDER_STUB_BASE_URLS = {provider_name: f"http://127.0.0.1:{closed_port}"}

    error = start_error(workspace, provider_name)

    assert error.permanent is False


@pytest.mark.parametrize("provider_name", PROVIDER_NAMES)
def test_missing_call_id_transient(workspace, scripted, provider_name):
    scripted(provider_name, 201 if provider_name != "bland" else 200, {"status": "success"})

    error = start_error(workspace, provider_name)

    assert error.permanent is False
