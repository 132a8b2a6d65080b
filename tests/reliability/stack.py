"""Processes a reliability test starts and stops: Celery workers, the dispatcher loop,
gunicorn and a private redis-server, each on the test database.

Every process gets the test session's database, broker and queue through its
environment, binds only 127.0.0.1, and is stopped by the fixture that started it.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def exit_with_parent() -> None:
    """End this process when the test process that started it is gone, so no worker outlives a run."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Poll ``condition`` until it returns a true value; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def test_database_url() -> str:
    """The URL of the database pytest-django created for this session (PostgreSQL only)."""
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class RedisServer:
    """A private redis-server on a free port that keeps nothing on disk, like the shared one."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, message=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries installed in Debian's layout, or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parent.parent.name))
    return candidates[-1].parent if candidates else None


class PostgresServer:
    """A private PostgreSQL server on a free port, in a data directory of its own.

    As root, the server runs as the ``postgres`` user, because PostgreSQL refuses to run as
    root. Durability is turned off (fsync), since the test only needs the server to stop
    and start.
    """

    def __init__(self):
        self.port = free_port()
        self.bin_dir = postgres_bin_dir()
        # Not under pytest's tmp_path: that directory is private to root, out of the postgres user's reach.
        self.workdir = Path(tempfile.mkdtemp(prefix="callkaro-postgres-"))
        self.data_dir = self.workdir / "data"
        self.log_file = self.workdir / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/callkaro"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        finished = subprocess.run(prefix + list(command), capture_output=True, text=True, timeout=120)
        if finished.returncode != 0:
            raise RuntimeError(f"{command[0]} failed with exit status {finished.returncode}: {finished.stderr.strip()}")

    def create(self) -> "PostgresServer":
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self._run(str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "callkaro")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.workdir} -c fsync=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its directory."""
        if (self.data_dir / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Stack:
    """Starts product processes against the test database and stops them all at the end."""

    def __init__(self, logdir: Path, queue: str, broker_url: str | None = None, **env):
        self.logdir = logdir
        self.queue = queue
        self.broker_url = broker_url or settings.CELERY_BROKER_URL
        self.extra_env = {name: str(value) for name, value in env.items()}
        self.processes: dict[str, subprocess.Popen] = {}

    def env(self, **extra) -> dict:
        environment = dict(os.environ)
        environment.update({
            "DJANGO_SETTINGS_MODULE": "callkaro.settings_test",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CALLKARO_TEST_QUEUE": self.queue,
            "PYTHONPATH": str(REPO),
        })
        environment.update(self.extra_env)
        environment.update({name: str(value) for name, value in extra.items()})
        return environment

    def spawn(self, name: str, command: list[str], **extra_env) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "ab")
        process = subprocess.Popen(
            command, cwd=REPO, env=self.env(**extra_env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def start_worker(self, name: str = "worker", concurrency: int = 2, pool: str = "prefork") -> subprocess.Popen:
        return self.spawn(name, [
            sys.executable, "-m", "tests.reliability.worker_main", "--pool", pool, "--concurrency", str(concurrency),
            "--hostname", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
            "--queues", self.queue,
        ])

    def start_dispatcher(self, name: str = "dispatcher", interval: float = 0.3, seconds: float = 900) -> subprocess.Popen:
        return self.spawn(name, [
            sys.executable, "-m", "tests.reliability.dispatcher_loop", "--interval", str(interval), "--seconds", str(seconds),
        ])

    def start_gunicorn(self, name: str = "web", workers: int = 2, extra_args: tuple = (), **extra_env) -> str:
        """Start gunicorn with the production gunicorn.conf.py; return its base URL."""
        port = free_port()
        self.spawn(name, [
            sys.executable, "-m", "gunicorn", "callkaro.wsgi", "-c", "gunicorn.conf.py", "--workers", str(workers),
            *extra_args,
        ], GUNICORN_BIND=f"127.0.0.1:{port}", **extra_env)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _port_open(port), timeout=30, message=f"gunicorn on port {port}")
        return url

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process group of ``name`` (a prefork worker and its children)."""
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes[name]
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
                except ProcessLookupError:
                    pass
            self.processes.pop(name, None)

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in sorted(self.logdir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
