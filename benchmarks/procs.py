"""Processes a benchmark starts: gunicorn with the production gunicorn.conf.py and Celery workers."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """BENCH_PORT if set, else a free port on 127.0.0.1."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(**extra) -> dict:
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="benchmarks.settings", PYTHONPATH=str(REPO))
    environment.update({name: str(value) for name, value in extra.items()})
    return environment


def start(command: list[str], log: Path, **extra_env) -> subprocess.Popen:
    with open(log, "ab") as output:
        return subprocess.Popen(
            command, cwd=REPO, env=_environment(**extra_env), stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_gunicorn(log_dir: Path, **extra_env) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = start(
        [sys.executable, "-m", "gunicorn", "callkaro.wsgi", "-c", "gunicorn.conf.py"], log_dir / "gunicorn.log",
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG=log_dir / "access.log", **extra_env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, port
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not start on port {port}; see {log_dir / 'gunicorn.log'}")


def start_worker(log_dir: Path, name: str) -> subprocess.Popen:
    return start(
        [sys.executable, "-m", "celery", "-A", "callkaro", "worker", "--loglevel", "WARNING",
         "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle", "--queues", "callkaro-bench"],
        log_dir / f"{name}.log",
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def children_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the child processes of ``pid``, from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def resident_kib(pid: int) -> int:
    """VmRSS of ``pid`` and its child processes, in KiB, from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(entry.name) == pid or int(fields.get("PPid", "0").strip()) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total
