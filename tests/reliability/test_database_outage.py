"""PostgreSQL outage. While the database is down, the webhook and the API respond 503 with
Retry-After and store nothing. Once it is back, gunicorn accepts leads again without a restart.

The test starts its own PostgreSQL server on a free port and stops it; the shared server is
never touched.
"""
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from tests.reliability.helpers import lead_body
from tests.reliability.stack import REPO, PostgresServer, postgres_bin_dir

pytestmark = [
    pytest.mark.skipif(postgres_bin_dir() is None, reason="needs PostgreSQL server binaries under /usr/lib/postgresql"),
    pytest.mark.slow,
]


@pytest.fixture
def private_postgres():
    server = PostgresServer().create()
    yield server
    server.remove()


def manage(database_url: str, *arguments: str) -> str:
    """Run manage.py against ``database_url``; return what it printed."""
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="callkaro.settings_test", DATABASE_URL=database_url)
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=REPO, env=environment,
        capture_output=True, text=True, timeout=300, check=True,
    )
    return finished.stdout


def lead_ids(database_url: str) -> list[str]:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as connection:
        return [row[0] for row in connection.execute("SELECT external_id FROM calls_lead ORDER BY id")]


def test_webhook_answers_503_while_database_down(stack, private_postgres):
    manage(private_postgres.url, "migrate", "--noinput")
    demo = json.loads(manage(private_postgres.url, "demo", "--json"))
    web = stack().start_gunicorn(DATABASE_URL=private_postgres.url)
    webhook = urlsplit(demo["webhook_url"])
    url = f"{web}{webhook.path}?{webhook.query}"

    before = requests.post(url, json=lead_body(prospect_id="BEFORE-OUTAGE"), timeout=30)
    private_postgres.stop()
    # More requests than gunicorn workers, so that each worker meets the outage.
    during = [requests.post(url, json=lead_body(prospect_id="DURING-OUTAGE"), timeout=30) for _ in range(4)]
    api_during = requests.get(f"{web}/api/v1/calls", headers={"X-API-KEY": demo["api_key"]}, timeout=30)
    private_postgres.start()
    after = requests.post(url, json=lead_body(prospect_id="DURING-OUTAGE"), timeout=30)

    assert before.status_code == 200
    assert [response.status_code for response in during] == [503] * 4
    assert {response.json()["error"] for response in during} == {"database_unavailable"}
    assert {response.headers["Retry-After"] for response in during} == {"30"}
    assert api_during.status_code == 503
    assert api_during.json()["error"] == "database_unavailable"
    assert after.status_code == 200
    assert after.json()["status"] == "scheduled"
    assert lead_ids(private_postgres.url) == ["BEFORE-OUTAGE", "DURING-OUTAGE"]
