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
        "RETELL_STUB_PORT": str(free_port()),
        "VAPI_STUB_PORT": str(free_port()),
        "BLAND_STUB_PORT": str(free_port()),
        "LEADSQUARED_STUB_PORT": str(free_port()),
        "LOG_LEVEL": "INFO",
    })
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{env['PORT']}"
    env["LEADSQUARED_STUB_BASE_URL"] = f"http://127.0.0.1:{env['LEADSQUARED_STUB_PORT']}"
    env["PROVIDER_STUB_BASE_URLS"] = ",".join(
        f"{name}=http://127.0.0.1:{env[name.upper() + '_STUB_PORT']}" for name in ("retell", "vapi", "bland")
    )
    return env


def interesting_lines(log_path: Path) -> str:
    lines = log_path.read_text().splitlines()
    return "\n".join(line for line in lines if "dispatch" not in line and "GET /api" not in line)[-4000:]


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


RETELL_AGENT_SCRIPT = """
from accounts.models import Workspace
from agents.models import Agent, VariableMapping
agent = Agent.objects.create(
    workspace=Workspace.objects.get(slug="demo"), name="Retell demo", provider="retell",
    provider_api_key="key_test_retell", provider_settings={"agent_id": "agent_demo", "from_number": "+14157774444"},
)
VariableMapping.objects.create(agent=agent, name="name", field="FirstName")
print(agent.public_id)
"""


def call_through_retell_stub(env, demo) -> str:
    """Post a lead to a Retell agent; the stub Procfile.dev started places it and calls back."""
    # The shell prints a line about its automatic imports first; the id is the last line.
    agent_id = manage(env, "shell", "-c", RETELL_AGENT_SCRIPT).strip().splitlines()[-1]
    base = f"http://127.0.0.1:{env['PORT']}"
    lead = {"ProspectID": "retell-lead-1", "FirstName": "Ravi", "Phone": "9000000002"}
    posted = requests.post(
        f"{base}/call/crm-webhook", params={"agent_id": agent_id, "type": "leadsquared"},
        headers={"X-API-KEY": demo["api_key"]}, json=lead, timeout=10,
    )
    assert "call_id" in posted.json(), posted.text
    call_id = posted.json()["call_id"]
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline and status != "completed":
        time.sleep(0.5)
        status = requests.get(f"{base}/api/v1/calls/{call_id}", headers={"X-API-KEY": demo["api_key"]}, timeout=5).json()["status"]
    return status


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

        retell_status = call_through_retell_stub(stack_env, demo)
        assert retell_status == "completed", interesting_lines(tmp_path / "honcho.log")
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
