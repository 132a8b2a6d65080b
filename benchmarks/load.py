"""The load generator: Python threads in several processes, one HTTP/1.1 connection per request
(gunicorn's sync workers close each connection), to 127.0.0.1 only."""
import http.client
import json
import multiprocessing
import statistics
import threading
import time
import uuid
from dataclasses import dataclass


@dataclass
class Target:
    port: int
    path: str
    # When set, every request carries a new lead with a unique ProspectID.
    lead_body: bool


def new_lead_body() -> bytes:
    """Return a lead with a new ProspectID and every field the benchmark agent maps."""
    return json.dumps({
        "ProspectID": str(uuid.uuid4()), "FirstName": "Bench", "Phone": "+919000000001", "mx_City": "Pune",
    }).encode()


def _body(target: Target) -> bytes:
    return new_lead_body() if target.lead_body else b'{"ProspectID": "bare"}'


def send(target: Target) -> tuple[int, float]:
    """POST once; return the status code and the seconds it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    try:
        connection.request("POST", target.path, _body(target), {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def _closed_loop_process(target: Target, threads: int, seconds: float, results) -> None:
    deadline = time.perf_counter() + seconds
    counts = []

    def loop() -> None:
        done = errors = 0
        while time.perf_counter() < deadline:
            status, _ = send(target)
            if status == 200:
                done += 1
            else:
                errors += 1
        counts.append((done, errors))

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((sum(done for done, _ in counts), sum(errors for _, errors in counts)))


def max_rate(target: Target, seconds: float, processes: int = 2, threads: int = 8) -> tuple[float, int]:
    """Return requests per second that got 200 from ``processes`` × ``threads`` senders, and the error count."""
    results = multiprocessing.Queue()
    senders = [
        multiprocessing.Process(target=_closed_loop_process, args=(target, threads, seconds, results))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for sender in senders:
        sender.start()
    totals = [results.get(timeout=seconds + 120) for _ in senders]
    for sender in senders:
        sender.join(timeout=30)
    elapsed = time.perf_counter() - started
    return sum(done for done, _ in totals) / elapsed, sum(errors for _, errors in totals)


def fixed_rate(target: Target, rate: float, seconds: float, threads: int = 32) -> dict:
    """Send at ``rate`` per second (open loop) and return latency percentiles in milliseconds.

    Latency counts from each request's scheduled send time, so a server that falls behind
    shows its queueing delay instead of slowing the sender down.
    """
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    next_index = iter(range(total))
    lock = threading.Lock()
    latencies, errors = [], []

    def loop() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            scheduled = start + index / rate
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            status, _ = send(target)
            finished = time.perf_counter()
            (latencies if status == 200 else errors).append(finished - scheduled)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    return {
        "requests": total,
        "errors": len(errors),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }
