"""A test-only provider that places calls through a local stub HTTP server.

The stub server runs in the test process on 127.0.0.1 and can answer normally, hang, or
fail with 503 and timeouts, so tests drive the real dialing code through real HTTP. The
agent's ``provider_settings["url"]`` points the provider at the server.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from calls.providers.base import CallRequest, Provider, ProviderError, StartedCall

PROVIDER_NAME = "stub_http"
PROVIDER_PATH = "tests.reliability.stub_provider.StubHttpProvider"


class StubHttpProvider(Provider):
    name = PROVIDER_NAME
    label = "Stub HTTP provider (tests)"
    callback_timeout = 3600.0

    def start_call(self, agent, request: CallRequest) -> StartedCall:
        url = agent.provider_settings["url"]
        timeout = float(agent.provider_settings.get("timeout", 5))
        try:
            response = requests.post(
                f"{url}/calls", json={"attempt_id": request.attempt_id, "phone": request.phone}, timeout=timeout,
            )
        except requests.Timeout as error:
            raise ProviderError(f"stub provider timed out: {error}", permanent=False) from error
        except requests.ConnectionError as error:
            raise ProviderError(f"stub provider unreachable: {error}", permanent=False) from error
        if response.status_code == 429 or response.status_code >= 500:
            raise ProviderError(f"stub provider answered {response.status_code}", permanent=False)
        if response.status_code >= 400:
            raise ProviderError(f"stub provider rejected the call: {response.status_code}", permanent=True)
        return StartedCall(response.json()["id"], response.json())

    def fetch_call(self, agent, provider_call_id: str):
        return None


class StubServer:
    """Records every start-call request; ``mode`` sets how it answers.

    Modes: ``ok`` answers 200 with a call id; ``hang`` holds the request until
    ``release`` is set (or 60 s pass); ``outage`` alternates 503 and a reply slower than
    the provider's timeout.
    """

    def __init__(self):
        self.mode = "ok"
        self.release = threading.Event()
        self.lock = threading.Lock()
        # (monotonic time, attempt id, answer) for every request received.
        self.requests: list[tuple[float, int, str]] = []
        self.slow_seconds = 2.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "StubServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def placed(self) -> list[int]:
        """Attempt ids of the calls the stub accepted, in order."""
        with self.lock:
            return [attempt_id for _, attempt_id, answer in self.requests if answer == "ok"]

    def _record(self, attempt_id: int, answer: str) -> int:
        with self.lock:
            self.requests.append((time.monotonic(), attempt_id, answer))
            return len(self.requests)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                attempt_id = json.loads(self.rfile.read(length) or b"{}").get("attempt_id")
                mode = stub.mode
                if mode == "hang":
                    stub._record(attempt_id, "hang")
                    stub.release.wait(60)
                    return self._reply(503, {"error": "released"})
                if mode == "outage":
                    number = stub._record(attempt_id, "outage")
                    if number % 2:
                        return self._reply(503, {"error": "unavailable"})
                    time.sleep(stub.slow_seconds)
                    return self._reply(503, {"error": "too slow"})
                stub._record(attempt_id, "ok")
                return self._reply(200, {"id": f"stub_{attempt_id}_{time.monotonic_ns()}"})

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
