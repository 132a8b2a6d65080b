"""`make run`'s stack on the embedded defaults: gunicorn, worker and beat under honcho.

Runs the same steps as the Makefile's run target in a temporary var/ directory, posts
the sample lead with the curl command the banner prints, and expects a completed
simulator call within 10 seconds, then stops everything with one Ctrl-C (SIGINT).
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {timeout} s")


@pytest.fixture
def stack_env(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update({
        "CALLKARO_VAR_DIR": str(tmp_path / "var"),
        "PORT": str(free_port()),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "callkaro.settings",
        "SIMULATOR_CALL_SECONDS": "2",
        "LOG_LEVEL": "INFO",
    })
    return env


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_stack_completes_sample_call(stack_env, tmp_path):
    manage(stack_env, "migrate", "--noinput")
    manage(stack_env, "collectstatic", "--noinput", "--verbosity", "0")
    demo = json.loads(manage(stack_env, "demo", "--json"))
    (tmp_path / "demo.json").write_text(json.dumps(demo))
    banner = manage(stack_env, "run_banner", str(tmp_path / "demo.json"))
    curl = next(line.strip() for line in banner.splitlines() if line.strip().startswith("curl -sS -X POST"))
    log = open(tmp_path / "honcho.log", "w")
    stack = subprocess.Popen(
        [sys.executable, "-m", "honcho", "--procfile", "Procfile.dev", "--app-root", ".", "start"],
        cwd=ROOT, env=stack_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for_port(int(stack_env["PORT"]))
        time.sleep(3)  # the worker connects to the broker after gunicorn listens

        started = time.monotonic()
        posted = subprocess.run(curl, shell=True, capture_output=True, text=True, timeout=30)
        call_id = json.loads(posted.stdout)["call_id"]
        status = None
        while time.monotonic() - started < 10 and status != "completed":
            time.sleep(0.5)
            response = requests.get(
                f"http://127.0.0.1:{stack_env['PORT']}/api/v1/calls/{call_id}",
                headers={"X-API-KEY": demo["api_key"]}, timeout=5,
            )
            status = response.json()["status"]
        elapsed = time.monotonic() - started

        assert status == "completed", (tmp_path / "honcho.log").read_text()[-3000:]
        assert elapsed <= 10
        assert demo["api_key"] not in (tmp_path / "honcho.log").read_text()
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            raise
        log.close()

    assert stack.returncode is not None
    assert not re.search(r"\bTraceback\b", (tmp_path / "honcho.log").read_text())
