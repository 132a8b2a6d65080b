"""Writing docs/benchmarks.md and the summary `make bench` prints."""
from datetime import datetime
from pathlib import Path

# Why a target can be missed on this kind of machine, and what would close the gap. A run
# prints only the entries of the figures that miss their target.
WHEN_MISSED = {
    "ingest": (
        "The bare view is almost free, so the ratio compares a delivery with gunicorn's own cost per "
        "request. The CPU figures under Method bound it: with gunicorn CPU-bound, the throughput ratio "
        "cannot exceed the CPU ratio, so 0.4 needs a delivery to cost about 2.5 bare requests, near 1.2 ms "
        "of CPU. Already done: the API key and the agent with its mappings come from a per-process cache "
        "(webhooks/lookups.py, 5 s), and the lead is inserted with ON CONFLICT DO NOTHING instead of "
        "inside a savepoint. That took a delivery from 12 database round trips to 6, and its in-process "
        "CPU from 6.3 to 7.2 ms to 3.4 to 3.6 ms (benchmarks/profile_delivery.py, two runs each on "
        "2026-12-04, commit 6870bba against the cached version). Its --profile listing shows where the "
        "rest goes: the ORM building and running the call and attempt INSERTs (about 30%), Celery building "
        "and publishing place_call to Redis (20%), the delivery-log INSERT (12%) and the COMMIT. Closing "
        "the gap means leaving the ORM and Celery on this path. Lead, call, attempt and log row would be "
        "written by one hand-written statement. place_call would be pushed to Redis without Celery's "
        "message building, or left to the dispatcher at the cost of up to DISPATCH_INTERVAL of latency. "
        "Each would duplicate "
        "logic that the rest of the product keeps in one place, so neither was done. Turning off "
        "synchronous_commit is ruled out, because an answered lead must survive a crash."
    ),
    "ingest_p99_ms": (
        "At half the maximum rate the tail comes from CPU contention on two cores shared by four gunicorn "
        "workers, PostgreSQL, Redis, the load generator and other users of the machine (see the load "
        "average above): a request waits while another process holds the core through a commit. The "
        "round-trip reductions above shorten every request and so the tail; a database on its own cores "
        "would remove most of it."
    ),
    "dispatch": (
        "The dispatcher's claim (one SELECT … FOR UPDATE SKIP LOCKED and one UPDATE per batch of 500) "
        "adds to the same number of publishes as the baseline. Larger batches, or publishing the batch "
        "through one pipelined producer connection, would close it."
    ),
    "memory": (
        "The worker keeps no schedule in memory, so a difference comes from the Python heap after "
        "the dispatcher's queries, not from the attempts. A longer warm-up before the first reading "
        "would show it."
    ),
    "claim": (
        "The claim walks the partial index attempt_pending_due in due order and stops after 100 rows, "
        "so its cost should not grow with the backlog. A miss means the planner chose another plan; "
        "the plan below shows which."
    ),
    "latency_p50_s": (
        "A lead due now is enqueued on commit and dialled by the next free worker process; with the "
        "production default of two worker processes, simulated calls and dispatcher runs share them. "
        "More worker processes, or a queue of its own for place_call, would close it."
    ),
}


def _checks(results: dict, targets: dict) -> list[tuple[str, str, str, str, bool]]:
    ingest, latency = results["ingest"], results["latency"]
    return [
        ("ingest", "1. Webhook ingest: deliveries/s ÷ bare view requests/s",
         f"{ingest['ratio']:.2f} ({ingest['webhook_rps']:.0f} ÷ {ingest['bare_rps']:.0f})", f"≥ {targets['ingest']}",
         ingest["ratio"] >= targets["ingest"]),
        ("ingest_p99_ms", "1. Webhook p50 / p99 at half the maximum rate",
         f"{ingest['latency']['p50_ms']:.1f} ms / {ingest['latency']['p99_ms']:.1f} ms",
         f"p99 ≤ {targets['ingest_p99_ms']:.0f} ms", ingest["latency"]["p99_ms"] <= targets["ingest_p99_ms"]),
        ("dispatch", "2. Dispatch: claimed and enqueued/s ÷ plain apply_async/s",
         f"{results['dispatch']['ratio']:.2f} ({results['dispatch']['dispatcher_rps']:.0f} ÷ "
         f"{results['dispatch']['plain_rps']:.0f})", f"≥ {targets['dispatch']}",
         results["dispatch"]["ratio"] >= targets["dispatch"]),
        ("memory", "3. Worker RSS with 100,000 attempts tomorrow ÷ with none",
         f"{results['memory']['ratio']:.3f} ({results['memory']['loaded_kib'] / 1024:.0f} MiB ÷ "
         f"{results['memory']['empty_kib'] / 1024:.0f} MiB)", f"≤ {targets['memory']}",
         results["memory"]["ratio"] <= targets["memory"]),
        ("claim", "4. Claim 100 due among 1,000,000 ÷ among 10,000",
         f"{results['claim']['ratio']:.2f} ({results['claim']['large_ms']:.2f} ms ÷ {results['claim']['small_ms']:.2f} ms)",
         f"≤ {targets['claim']}", results["claim"]["ratio"] <= targets["claim"]),
        ("latency_p50_s", "5. Webhook received → start_call, p50 / p99",
         f"{latency['p50_s'] * 1000:.0f} ms / {latency['p99_s'] * 1000:.0f} ms",
         f"p50 ≤ {targets['latency_p50_s']:.0f} s", latency["p50_s"] <= targets["latency_p50_s"]),
    ]


def print_summary(results: dict, targets: dict) -> None:
    for _, label, measured, target, met in _checks(results, targets):
        print(f"{label}: {measured}  target {target}  {'met' if met else 'NOT MET'}")
    print("written: docs/benchmarks.md")


def write_report(path: Path, results: dict, host: dict, started: datetime, targets: dict) -> None:
    checks = _checks(results, targets)
    ingest, latency = results["ingest"], results["latency"]
    lines = [
        "# Benchmarks",
        "",
        "Each figure is a ratio of two measurements taken in the same run, because the machine is "
        "shared and absolute times drift between runs. `benchmarks/run.py` wrote this page.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {host['commit']}",
        "- Command: `make bench` (runs `.venv/bin/python benchmarks/run.py`) with `DATABASE_URL` on "
        "PostgreSQL and `CELERY_BROKER_URL` on Redis; the run uses its own database `<name>_bench`.",
        f"- Machine: {host['cpu']}, {host['memory']} memory, Python {host['python']}; "
        f"load average {host['load']} before the run and {host['load_after']} after "
        "(other work shared the machine).",
        f"- Server: gunicorn with the production `gunicorn.conf.py` (sync workers, access log on), "
        "PostgreSQL and Redis on the same machine, every request to 127.0.0.1.",
        "",
        "| Figure | Measured | Target | Met |",
        "|---|---|---|---|",
    ]
    lines += [f"| {label} | {measured} | {target} | {'yes' if met else '**no**'} |" for _, label, measured, target, met in checks]
    missed = [(key, label) for key, label, _, _, met in checks if not met]
    if missed:
        lines += ["", "## Targets not met", ""]
        lines += [f"- **{label}.** {WHEN_MISSED[key]}" for key, label in missed]
    lines += [
        "",
        "## Method",
        "",
        "1. **Ingest.** A load generator in Python (`benchmarks/load.py`: two processes of eight threads, "
        "one HTTP/1.1 connection per request with `http.client`) posts for "
        f"{ingest['seconds']:.0f} s to each of two URLs on the same gunicorn: the webhook, each "
        "request a new lead due now (so the answer also publishes `place_call` to Redis), and a bare Django "
        "view that returns a fixed JSON body through the same middleware. Latency is then measured open-loop "
        f"at half the webhook's maximum rate ({ingest['half_rate']:.0f} requests/s), from each request's "
        "scheduled send time, so queueing in the server counts. "
        f"Errors (non-200 answers) during the run: {ingest['errors'] + ingest['latency']['errors']}.",
        f"   CPU per request in one gunicorn worker, 300 requests sent one at a time: "
        f"**{ingest['cpu']['webhook']:.2f} ms per delivery, {ingest['cpu']['bare']:.2f} ms per bare request** "
        f"(ratio {ingest['cpu']['bare'] / ingest['cpu']['webhook']:.2f}); CPU time moves far less with the "
        "machine's load than throughput does, and it bounds the throughput ratio on any machine where "
        "gunicorn is CPU-bound.",
        f"   A delivery costs **{ingest['queries']['round_trips']} database round trips**, counting BEGIN, "
        f"COMMIT and savepoints: {', '.join(ingest['queries']['statements'])}.",
        f"2. **Dispatch.** {results['dispatch']['count']:,} due attempts claimed by `run_dispatcher()` "
        "(batches of 500, the claim and an `apply_async` per attempt) against `place_call.apply_async` "
        "called the same number of times, both into the same Redis queue.",
        f"3. **Memory.** One Celery worker (production options: prefork, one process per core) runs the "
        "dispatcher ten times, as beat would, with no attempts and then with "
        f"{results['memory']['count']:,} attempts due tomorrow; VmRSS of the main process and its pool "
        "processes is read from /proc.",
        "4. **Claim.** Median of 15 claims of 100 due attempts (rolled back each time) with 10,000 and then "
        "1,000,000 pending attempts due tomorrow, each with its own lead and call. The plan with "
        "1,000,000 pending:",
        "",
        "```",
        results["claim"]["plan"],
        "```",
        "",
        f"5. **Latency.** {latency['leads']:,} leads inside their window posted at {latency['rate']:.0f}/s "
        "through gunicorn to a simulator agent, with one Celery worker (production options) and the "
        "dispatcher run every 2 s as beat runs it. The delay is the attempt's `started_at` (set just before "
        "`start_call` is called) minus the delivery's `received_at`. "
        f"Dialled: {latency['dialled']:,} of {latency['leads']:,}; errors: {latency['errors']}.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
