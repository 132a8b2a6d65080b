"""The machinery every provider stub shares: an HTTP server on 127.0.0.1 and a callback sender.

A stub accepts the provider's create-call request, returns a call id and, after
``callback_delay`` seconds, posts the signed end-of-call callback to
``<callback base>/providers/<name>/events``. It serves the provider's get-call endpoint
too. The dialled number picks the outcome, like the simulator's test numbers.
"""
import argparse
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

import requests

from calls.outcomes_catalog import Outcome
from calls.providers.http import LOOPBACK_HOSTS
from calls.providers.simulator import TEST_NUMBERS

logger = logging.getLogger(__name__)

# Numbers the stubs add to the simulator's: the provider rejects the number; the first
# create call returns 429 and the next succeeds; the call completes but no callback is
# sent, so only the polling fallback can close it.
INVALID_NUMBER = "+919999900005"
RATE_LIMITED_ONCE = "+919999900006"
SILENT = "+919999900007"
CALLBACK_TIMEOUT = 10


def stub_outcome(phone: str) -> str:
    return str(TEST_NUMBERS.get(phone, Outcome.COMPLETED))


@dataclass
class StubCall:
    call_id: str
    phone: str
    request: dict[str, Any]
    outcome: str
    created_at: float = field(default_factory=time.time)
    ended: bool = False
    callback_url: str = ""


@dataclass
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    status: int | None = None


class StubError(Exception):
    """An HTTP error response of the stub: status and JSON body."""

    def __init__(self, status: int, body: dict):
        super().__init__(status)
        self.status = status
        self.body = body


class ProviderStub:
    """Base class; a provider's stub fills in its paths, request checks, bodies and signing."""

    name = ""
    create_path = ""
    get_path_pattern = ""  # a regex with one group: the call id
    default_api_key = ""
    default_webhook_secret = ""

    def __init__(self, *, port: int = 0, callback_base: str = "http://127.0.0.1:8000", api_key: str | None = None,
                 webhook_secret: str | None = None, callback_delay: float = 0.2):
        self.callback_base = callback_base.rstrip("/")
        self.api_key = api_key if api_key is not None else self.default_api_key
        self.webhook_secret = webhook_secret if webhook_secret is not None else self.default_webhook_secret
        self.callback_delay = callback_delay
        self.calls: dict[str, StubCall] = {}
        self.create_requests: list[dict[str, Any]] = []
        self.deliveries: list[Delivery] = []
        self.rate_limited: set[str] = set()
        self.lock = threading.Lock()
        self.timers: list[threading.Timer] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self.handler_class())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    # Lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "ProviderStub":
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"{self.name}-stub", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    # Hooks for each provider ------------------------------------------------------------

    def authorized(self, headers) -> bool:
        raise NotImplementedError

    def read_create(self, body: dict[str, Any]) -> str:
        """Check a create-call body as the provider would; return the number to dial or raise StubError."""
        raise NotImplementedError

    def created_body(self, call: StubCall) -> tuple[int, dict]:
        raise NotImplementedError

    def call_body(self, call: StubCall) -> dict[str, Any]:
        """The provider's call object, as get-call returns it."""
        raise NotImplementedError

    def callback_bodies(self, call: StubCall) -> list[dict[str, Any]]:
        raise NotImplementedError

    def signature_headers(self, body: bytes) -> dict[str, str]:
        raise NotImplementedError

    def invalid_number_error(self, phone: str) -> StubError:
        raise NotImplementedError

    def rate_limit_error(self) -> StubError:
        return StubError(429, {"error": "Too many requests: concurrency limit reached."})

    def unauthorized_error(self) -> StubError:
        return StubError(401, {"error": "Unauthorized: invalid API key."})

    def callback_url_for(self, body: dict[str, Any]) -> str:
        return f"{self.callback_base}/providers/{self.name}/events"

    # Behaviour ----------------------------------------------------------------------------

    def create_call(self, headers, body: dict[str, Any]) -> tuple[int, dict]:
        if not self.authorized(headers):
            raise self.unauthorized_error()
        phone = self.read_create(body)
        with self.lock:
            self.create_requests.append(body)
            if phone == INVALID_NUMBER:
                raise self.invalid_number_error(phone)
            if phone == RATE_LIMITED_ONCE and phone not in self.rate_limited:
                self.rate_limited.add(phone)
                raise self.rate_limit_error()
            call = StubCall(call_id=secrets.token_hex(12), phone=phone, request=body, outcome=stub_outcome(phone))
            call.callback_url = self.callback_url_for(body)
            self.calls[call.call_id] = call

        timer = threading.Timer(self.callback_delay, self.finish_call, args=(call.call_id,))
        timer.daemon = True
        self.timers.append(timer)
        timer.start()
        return self.created_body(call)

    def get_call(self, headers, call_id: str) -> tuple[int, dict]:
        if not self.authorized(headers):
            raise self.unauthorized_error()
        call = self.calls.get(call_id)
        if call is None:
            raise StubError(404, {"error": f"Call {call_id} not found."})
        return 200, self.call_body(call)

    def finish_call(self, call_id: str) -> None:
        call = self.calls[call_id]
        call.ended = True
        if call.phone == SILENT:
            return
        for body in self.callback_bodies(call):
            self.deliver(call.callback_url, body)

    def deliver(self, url: str, body: dict[str, Any]) -> Delivery:
        """Sign and post one callback; the stub sends to loopback addresses only."""
        if (urlsplit(url).hostname or "") not in LOOPBACK_HOSTS:
            raise ValueError(f"The {self.name} stub sends callbacks to loopback addresses only, not {url!r}.")
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **self.signature_headers(raw)}
        delivery = Delivery(url, raw, headers)
        self.deliveries.append(delivery)
        try:
            delivery.status = requests.post(url, data=raw, headers=headers, timeout=CALLBACK_TIMEOUT).status_code
        except requests.RequestException as error:
            logger.warning("%s stub: callback to %s failed: %s", self.name, url, error)
        return delivery

    def redeliver(self, delivery: Delivery) -> requests.Response:
        """Send a recorded callback again, byte for byte, as a provider's retry does."""
        return requests.post(delivery.url, data=delivery.body, headers=delivery.headers, timeout=CALLBACK_TIMEOUT)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - the base class's signature
                logger.debug("%s stub: " + format, stub.name, *args)

            def answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def run(self, action: Callable[[], tuple[int, dict]]) -> None:
                try:
                    status, body = action()
                except StubError as error:
                    status, body = error.status, error.body
                self.answer(status, body)

            def do_POST(self):  # noqa: N802 - http.server's naming
                if self.path != stub.create_path:
                    self.answer(404, {"error": f"No route {self.path}."})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self.answer(400, {"error": "The body is not valid JSON."})
                    return
                self.run(lambda: stub.create_call(self.headers, body))

            def do_GET(self):  # noqa: N802
                match = re.fullmatch(stub.get_path_pattern, self.path)
                if match is None:
                    self.answer(404, {"error": f"No route {self.path}."})
                    return
                self.run(lambda: stub.get_call(self.headers, match.group(1)))

        return Handler


def main(stub_class: type[ProviderStub]) -> None:
    parser = argparse.ArgumentParser(description=f"Local stub of the {stub_class.name} API.")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one.")
    parser.add_argument("--callback-base", default="http://127.0.0.1:8000", help="Base URL of the product, for callbacks.")
    parser.add_argument("--api-key", default=stub_class.default_api_key, help="The API key the stub accepts.")
    parser.add_argument("--webhook-secret", default=stub_class.default_webhook_secret, help="The secret callbacks are signed with.")
    parser.add_argument("--callback-delay", type=float, default=2.0, help="Seconds from create-call to the callback.")
    arguments = parser.parse_args()
    if (urlsplit(arguments.callback_base).hostname or "") not in LOOPBACK_HOSTS:
        parser.error(f"--callback-base {arguments.callback_base!r} must be on 127.0.0.1, localhost or [::1].")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    stub = stub_class(
        port=arguments.port, callback_base=arguments.callback_base, api_key=arguments.api_key,
        webhook_secret=arguments.webhook_secret, callback_delay=arguments.callback_delay,
    )
    logger.info("%s stub listening on %s, callbacks to %s", stub.name, stub.url, stub.callback_base)
    try:
        stub.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stub.server.server_close()
