"""A local stand-in for LeadSquared's REST API, for the tests and the demo.

A real HTTP server on 127.0.0.1 (``http.server`` in a thread) that serves the endpoints the
client uses, with the shapes of LeadSquared's documented responses (sample bodies under
``samples/``). It checks the ``x-LSQ-AccessKey`` / ``x-LSQ-SecretKey`` headers, records every
request it receives, and can be told to answer 401, 429 or 500, or to answer slowly.

    with LeadSquaredStub() as stub:          # port 0: a free port
        settings.LEADSQUARED_STUB_BASE_URL = stub.url
        stub.answer_with(500, times=2)       # the next two requests fail

Run it on its own for the demo:

    python -m integrations.leadsquared.stub --port 8299
"""
import argparse
import copy
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SAMPLES = Path(__file__).resolve().parent / "samples"
DEMO_ACCESS_KEY = "demo-access-key"
DEMO_SECRET_KEY = "demo-secret-key"
# Maximum response delay in seconds, so that a test cannot hang on the stub.
MAX_DELAY_SECONDS = 30.0

ERROR_BODIES = {
    # The envelope is LeadSquared's documented one; the exception type names are invented.
    401: {"Status": "Error", "ExceptionType": "MXUnAuthorizedAccessException",
          "ExceptionMessage": "Invalid access key or secret key"},
    429: {"Status": "Error", "ExceptionType": "MXAPIRateLimitExceededException",
          "ExceptionMessage": "You have exceeded the limit of 25 in 5 second(s)"},
    500: {"Status": "Error", "ExceptionType": "MXUnknownException",
          "ExceptionMessage": "The stub is set to fail this request"},
}


def _sample(name: str):
    return json.loads((SAMPLES / name).read_text())


@dataclass
class ReceivedRequest:
    method: str
    path: str
    query: dict
    headers: dict
    body: object
    received_at: float

    @property
    def endpoint(self) -> str:
        return self.path.removeprefix("/v2/")


@dataclass
class _Override:
    status: int | None
    delay: float
    remaining: int | None


@dataclass
class StubState:
    access_key: str
    secret_key: str
    user: dict = field(default_factory=lambda: _sample("user-by-access-key.json"))
    metadata: list = field(default_factory=lambda: _sample("leads-metadata.json"))
    leads: dict = field(default_factory=dict)
    activities: list = field(default_factory=list)
    activity_types: list = field(default_factory=list)
    received: list = field(default_factory=list)
    overrides: list = field(default_factory=list)
    # Optional enforcement of a rate limit: (requests, window seconds).
    rate_limit: tuple[int, float] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class LeadSquaredStub:
    def __init__(self, port: int = 0, *, access_key: str = DEMO_ACCESS_KEY, secret_key: str = DEMO_SECRET_KEY):
        self.state = StubState(access_key=access_key, secret_key=secret_key)
        for lead in _sample("lead-by-id.json"):
            self.add_lead(lead)
        self._codes = itertools.count(201)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # Lifecycle ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LeadSquaredStub":
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "LeadSquaredStub":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Behaviour ------------------------------------------------------------------------

    def answer_with(self, status: int, *, times: int | None = None) -> None:
        """Respond to the next ``times`` requests (all, when None) with ``status`` and an error body."""
        with self.state.lock:
            self.state.overrides.append(_Override(status=status, delay=0.0, remaining=times))

    def slow(self, seconds: float, *, times: int | None = None) -> None:
        """Wait ``seconds`` before responding to the next ``times`` requests (all, when None)."""
        with self.state.lock:
            self.state.overrides.append(_Override(status=None, delay=min(seconds, MAX_DELAY_SECONDS), remaining=times))

    def enforce_rate_limit(self, requests: int, window: float) -> None:
        """Respond 429 to a request that would exceed ``requests`` within ``window`` seconds."""
        self.state.rate_limit = (requests, window)

    def reset(self) -> None:
        with self.state.lock:
            self.state.overrides.clear()
            self.state.received.clear()
            self.state.rate_limit = None

    def add_lead(self, fields: dict) -> None:
        with self.state.lock:
            self.state.leads[str(fields["ProspectID"])] = dict(fields)

    def requests_to(self, endpoint: str) -> list[ReceivedRequest]:
        with self.state.lock:
            return [request for request in self.state.received if request.endpoint == endpoint]

    @property
    def received(self) -> list[ReceivedRequest]:
        with self.state.lock:
            return list(self.state.received)

    @property
    def activities(self) -> list[dict]:
        with self.state.lock:
            return list(self.state.activities)

    # Request handling ----------------------------------------------------------------

    def _next_override(self) -> _Override | None:
        with self.state.lock:
            for override in self.state.overrides:
                if override.remaining is None or override.remaining > 0:
                    if override.remaining is not None:
                        override.remaining -= 1
                    return override
        return None

    def _over_rate_limit(self, now: float) -> bool:
        if self.state.rate_limit is None:
            return False
        allowed, window = self.state.rate_limit
        with self.state.lock:
            recent = [r for r in self.state.received if r.received_at > now - window]
        return len(recent) > allowed

    def handle(self, request: ReceivedRequest) -> tuple[int, object]:
        with self.state.lock:
            self.state.received.append(request)

        override = self._next_override()
        if override is not None and override.delay:
            time.sleep(override.delay)
        if override is not None and override.status is not None:
            return override.status, ERROR_BODIES.get(override.status, ERROR_BODIES[500])

        access_key = request.headers.get("x-lsq-accesskey", "")
        secret_key = request.headers.get("x-lsq-secretkey", "")
        if access_key != self.state.access_key or secret_key != self.state.secret_key:
            return 401, ERROR_BODIES[401]
        if self._over_rate_limit(request.received_at):
            return 429, ERROR_BODIES[429]

        route = ROUTES.get((request.method, request.endpoint))
        if route is None:
            return 404, {"Status": "Error", "ExceptionType": "MXNotFoundException",
                         "ExceptionMessage": f"No endpoint {request.method} {request.path}"}
        return route(self, request)

    def _user(self, request):
        return 200, self.state.user

    def _metadata(self, request):
        fields = copy.deepcopy(self.state.metadata)
        if request.query.get("excludeOptionSets") == "1":
            for entry in fields:
                entry.pop("Options", None)
        return 200, fields

    def _lead_by_id(self, request):
        lead_id = request.query.get("id", "")
        with self.state.lock:
            lead = self.state.leads.get(lead_id)
        return 200, [lead] if lead is not None else []

    def _create_activity(self, request):
        body = request.body if isinstance(request.body, dict) else {}
        with self.state.lock:
            known_lead = str(body.get("RelatedProspectId", "")) in self.state.leads
        if not known_lead or not body.get("ActivityEvent"):
            return 500, {"Status": "Error", "ExceptionType": "MXInvalidInputException",
                         "ExceptionMessage": "RelatedProspectId and ActivityEvent must name an existing lead and activity type"}
        activity_id = str(uuid.uuid4())
        with self.state.lock:
            self.state.activities.append({"Id": activity_id, **body})
        return 200, {"Status": "Success", "Message": {"Id": activity_id}}

    def _create_activity_type(self, request):
        body = request.body if isinstance(request.body, dict) else {}
        if not body.get("ActivityEventName"):
            return 400, {"Status": "Error", "ExceptionType": "MXMandatoryAttributeMissingException",
                         "ExceptionMessage": "'ActivityEventName' is mandatory"}
        code = next(self._codes)
        with self.state.lock:
            self.state.activity_types.append({"ActivityEvent": code, **body})
        return 200, {"Status": "Success", "Message": {"Id": str(code)}}


ROUTES = {
    ("GET", "Authentication.svc/UserByAccessKey.Get"): LeadSquaredStub._user,
    ("GET", "LeadManagement.svc/LeadsMetaData.Get"): LeadSquaredStub._metadata,
    ("GET", "LeadManagement.svc/Leads.GetById"): LeadSquaredStub._lead_by_id,
    ("POST", "ProspectActivity.svc/Create"): LeadSquaredStub._create_activity,
    ("POST", "ProspectActivity.svc/CreateType"): LeadSquaredStub._create_activity_type,
}


def _handler_for(stub: LeadSquaredStub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self):
            received_at = time.time()
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", errors="replace")
            request = ReceivedRequest(
                method=self.command, path=parts.path,
                query={name: values[-1] for name, values in parse_qs(parts.query).items()},
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body, received_at=received_at,
            )
            status, answer = stub.handle(request)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # The client stopped waiting (a slow response past its timeout).

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format, *args):
            pass

    return Handler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Serve a local stand-in for LeadSquared's REST API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 picks a free one).")
    parser.add_argument("--access-key", default=DEMO_ACCESS_KEY, help="Access key the stub accepts.")
    parser.add_argument("--secret-key", default=DEMO_SECRET_KEY, help="Secret key the stub accepts.")
    options = parser.parse_args(argv)

    stub = LeadSquaredStub(options.port, access_key=options.access_key, secret_key=options.secret_key)
    print(f"LeadSquared stub listening on {stub.url} (access key {options.access_key!r})", flush=True)
    try:
        stub._server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stub._server.server_close()


if __name__ == "__main__":
    main()
