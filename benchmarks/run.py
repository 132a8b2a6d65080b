"""`make bench`: five ratios, each measured in one run, written to docs/benchmarks.md.

Needs PostgreSQL and Redis: DATABASE_URL names the server (the benchmark creates and drops
its own database, <name>_bench, beside it) and CELERY_BROKER_URL the Redis broker (queue
callkaro-bench). Every request goes to 127.0.0.1.
"""
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TARGETS = {"ingest": 0.4, "ingest_p99_ms": 50.0, "dispatch": 0.7, "memory": 1.1, "claim": 2.0, "latency_p50_s": 1.0}
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))


def prepare_database() -> str:
    """Create a fresh <name>_bench database beside DATABASE_URL's and point this process at it."""
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("make bench needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…")
    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_bench"
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"],
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    bench_url = url.rsplit("/", 1)[0] + "/" + name
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    return name


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def purge_queue() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)


def queries_per_delivery(agent, key) -> dict:
    """Database round trips of one delivery (BEGIN, COMMIT and savepoints included)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.load import new_lead_body

    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={key}"
    counts = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            client.post(url, new_lead_body(), content_type="application/json")
        counts.append(len(captured.captured_queries))
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    return {"round_trips": min(counts), "statements": statements}


def bench_ingest(log_dir: Path) -> dict:
    from benchmarks import data, procs
    from benchmarks.load import Target, fixed_rate, max_rate

    agent, key = data.make_tenant("ingest")
    queries = queries_per_delivery(agent, key)
    gunicorn, port = procs.start_gunicorn(log_dir)
    try:
        webhook = Target(port, f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={key}", True)
        bare = Target(port, "/bench/bare", False)
        max_rate(bare, 2)  # warm every gunicorn worker up
        bare_rate, bare_errors = max_rate(bare, SECONDS)
        webhook_rate, webhook_errors = max_rate(webhook, SECONDS)
        latency = fixed_rate(webhook, webhook_rate / 2, SECONDS)
    finally:
        procs.stop(gunicorn)
        purge_queue()
    cpu = cpu_per_request(log_dir, agent, key)
    return {
        "cpu": cpu,
        "bare_rps": bare_rate, "webhook_rps": webhook_rate, "ratio": webhook_rate / bare_rate,
        "errors": bare_errors + webhook_errors, "seconds": SECONDS, "half_rate": webhook_rate / 2, "latency": latency, "queries": queries,
    }


def cpu_per_request(log_dir: Path, agent, key, requests: int = 300) -> dict:
    """CPU milliseconds one gunicorn worker spends per request, sent one at a time.

    CPU time moves far less than throughput when other work shares the machine.
    """
    from benchmarks import procs
    from benchmarks.load import Target, send

    gunicorn, port = procs.start_gunicorn(log_dir, WEB_CONCURRENCY=1)
    cpu_ms = {}
    try:
        for name, target in [
            ("bare", Target(port, "/bench/bare", False)),
            ("webhook", Target(port, f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={key}", True)),
        ]:
            for _ in range(30):
                send(target)
            before = procs.children_cpu_seconds(gunicorn.pid)
            for _ in range(requests):
                send(target)
            cpu_ms[name] = (procs.children_cpu_seconds(gunicorn.pid) - before) / requests * 1000
    finally:
        procs.stop(gunicorn)
        purge_queue()
    return cpu_ms


def bench_dispatch(count: int = 5000) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from benchmarks import data
    from calls.dispatcher import run_dispatcher
    from calls.tasks import place_call

    data.clear_calls()
    agent, _ = data.make_tenant("dispatch")
    data.insert_attempts(agent, count, timezone.now() - timedelta(minutes=1))
    purge_queue()
    settings.DISPATCH_BATCH_SIZE = 500

    started = time.perf_counter()
    claimed = 0
    while claimed < count:
        claimed += run_dispatcher()["claimed"]
    dispatcher_seconds = time.perf_counter() - started
    purge_queue()

    ids = list(range(1, count + 1))
    started = time.perf_counter()
    for attempt_id in ids:
        place_call.apply_async((attempt_id,))
    plain_seconds = time.perf_counter() - started
    purge_queue()
    dispatcher_rate, plain_rate = count / dispatcher_seconds, count / plain_seconds
    return {"count": count, "dispatcher_rps": dispatcher_rate, "plain_rps": plain_rate, "ratio": dispatcher_rate / plain_rate}


def _settled_rss(worker, dispatch_runs: int = 10) -> int:
    """RSS after the worker ran the dispatcher ``dispatch_runs`` times, as beat would make it."""
    from benchmarks import procs
    from calls.tasks import dispatch

    for _ in range(dispatch_runs):
        dispatch.apply_async()
        time.sleep(0.5)
    time.sleep(3)
    return procs.resident_kib(worker.pid)


def bench_memory(log_dir: Path, count: int = 100_000) -> dict:
    from django.utils import timezone

    from benchmarks import data, procs

    data.clear_calls()
    agent, _ = data.make_tenant("memory")
    worker = procs.start_worker(log_dir, "memory-worker")
    try:
        time.sleep(8)
        empty_kib = _settled_rss(worker)
        data.insert_attempts(agent, count, timezone.now() + timedelta(days=1))
        loaded_kib = _settled_rss(worker)
    finally:
        procs.stop(worker)
        purge_queue()
    return {"count": count, "empty_kib": empty_kib, "loaded_kib": loaded_kib, "ratio": loaded_kib / empty_kib}


def _claim_seconds(repeats: int = 15) -> float:
    from django.db import transaction
    from django.utils import timezone

    from calls.dispatcher import claim_due_attempts

    timings = []
    for _ in range(repeats):
        with transaction.atomic():
            started = time.perf_counter()
            claimed = claim_due_attempts(timezone.now(), 100)
            timings.append(time.perf_counter() - started)
            assert len(claimed) == 100, len(claimed)
            transaction.set_rollback(True)
    return statistics.median(timings)


def _claim_plan() -> str:
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from calls.models import CallAttempt

    horizon = timezone.now() + timedelta(seconds=settings.DISPATCH_HORIZON)
    due = (
        CallAttempt.objects.filter(status="pending", scheduled_for__lte=horizon, call__agent__paused=False)
        .order_by("scheduled_for").values_list("id", "scheduled_for")
        .select_for_update(skip_locked=True, of=("self",))[:100]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = due.query.get_compiler(using="default").as_sql()
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def bench_claim() -> dict:
    from django.utils import timezone

    from benchmarks import data

    data.clear_calls()
    agent, _ = data.make_tenant("claim")
    tomorrow = timezone.now() + timedelta(days=1)
    data.insert_attempts(agent, 100, timezone.now() - timedelta(minutes=1))
    data.insert_attempts(agent, 10_000, tomorrow)
    small = _claim_seconds()
    data.insert_attempts(agent, 990_000, tomorrow)
    large = _claim_seconds()
    plan = _claim_plan()
    data.clear_calls()
    return {"small_ms": small * 1000, "large_ms": large * 1000, "ratio": large / small, "plan": plan}


def bench_latency(log_dir: Path, leads: int = 1000, rate: float = 20.0) -> dict:
    from benchmarks import data, procs
    from benchmarks.load import Target, fixed_rate
    from calls.models import CallAttempt
    from calls.tasks import dispatch
    from webhooks.models import WebhookDelivery

    data.clear_calls()
    agent, key = data.make_tenant("latency")
    gunicorn, port = procs.start_gunicorn(log_dir)
    worker = procs.start_worker(log_dir, "latency-worker")
    beating = threading.Event()

    def beat() -> None:
        while not beating.wait(2.0):
            dispatch.apply_async()

    beater = threading.Thread(target=beat, daemon=True)
    beater.start()
    try:
        time.sleep(8)
        webhook = Target(port, f"/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={key}", True)
        sent = fixed_rate(webhook, rate, leads / rate)
        deadline = time.monotonic() + 180
        while CallAttempt.objects.filter(number=1, started_at__isnull=False).count() < leads:
            if time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        beating.set()
        procs.stop(worker)
        procs.stop(gunicorn)
        purge_queue()
    delays = sorted(
        (attempt.started_at - delivery.received_at).total_seconds()
        for delivery in WebhookDelivery.objects.filter(first_call__isnull=False).select_related("first_call")
        for attempt in delivery.first_call.attempts.filter(number=1, started_at__isnull=False)
    )
    return {
        "leads": leads, "rate": rate, "errors": sent["errors"], "dialled": len(delays),
        "p50_s": statistics.median(delays), "p99_s": delays[min(len(delays) - 1, int(len(delays) * 0.99))],
    }


def machine() -> dict:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    return {
        "cpu": f"{os.cpu_count()} × {model}", "memory": memory.split(":", 1)[1].strip(),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()), "python": platform.python_version(),
        "commit": commit.strip(),
    }


def main() -> None:
    # SIGTERM ends the run through SystemExit, so every started gunicorn and worker is stopped.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(f"stopped by signal {number}"))
    database = prepare_database()
    setup_django()
    from benchmarks.report import print_summary, write_report

    started = datetime.now(dt_timezone.utc)
    host = machine()
    log_dir = Path(tempfile.mkdtemp(prefix="callkaro-bench-"))
    print(f"benchmark database {database}, logs in {log_dir}", flush=True)
    results = {}
    for name, run in [
        ("ingest", lambda: bench_ingest(log_dir)),
        ("dispatch", bench_dispatch),
        ("memory", lambda: bench_memory(log_dir)),
        ("claim", bench_claim),
        ("latency", lambda: bench_latency(log_dir)),
    ]:
        print(f"running {name}…", flush=True)
        results[name] = run()
        print(f"  {name}: ratio/result {results[name].get('ratio', results[name].get('p50_s'))}", flush=True)
    host["load_after"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    write_report(REPO / "docs" / "benchmarks.md", results, host, started, TARGETS)
    print_summary(results, TARGETS)


if __name__ == "__main__":
    main()
