"""CPU cost of one webhook delivery, measured in-process through Django's WSGI handler
(no gunicorn, no network) on the same database and broker as `make bench`.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… .venv/bin/python benchmarks/profile_delivery.py [--profile]

Prints the CPU milliseconds per delivery and per bare request (the same views as the ingest
benchmark) and, with --profile, the product's functions by cumulative CPU time under cProfile.
The profiler slows every call, so its times are for comparing parts, not for absolute cost.
"""
import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import new_lead_body  # noqa: E402
from benchmarks.run import prepare_database, purge_queue, setup_django  # noqa: E402


def environ(path: str, query: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json", "wsgi.url_scheme": "http",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.errors": sys.stderr,
    }


def send(handler, path: str, query: str, count: int) -> None:
    for _ in range(count):
        response = handler(environ(path, query, new_lead_body()), lambda status, headers: None)
        b"".join(response)
        response.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile listing of the deliveries")
    options = parser.parse_args()

    prepare_database()
    setup_django()
    import logging

    from django.core.handlers.wsgi import WSGIHandler

    from benchmarks import data

    # The per-call INFO line would otherwise go to this terminal.
    logging.getLogger("calls").setLevel(logging.WARNING)
    agent, key = data.make_tenant("profile")
    handler = WSGIHandler()
    targets = {
        "bare request": ("/bench/bare", ""),
        "delivery": ("/call/crm-webhook", f"agent_id={agent.public_id}&type=leadsquared&x_api_key={key}"),
    }
    for name, (path, query) in targets.items():
        send(handler, path, query, 30)  # warm-up: imports, connections, caches
        started = time.process_time()
        send(handler, path, query, options.requests)
        print(f"{name}: {(time.process_time() - started) / options.requests * 1000:.2f} ms CPU")

    if options.profile:
        profiler = cProfile.Profile(time.process_time)
        path, query = targets["delivery"]
        profiler.runcall(send, handler, path, query, options.requests)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"/(webhooks|calls|accounts|agents|callkaro)/", 25)
    purge_queue()


if __name__ == "__main__":
    main()
