"""`manage.py demo --json`: demo data created once, a fresh key every run."""
import json

from django.core.management import call_command

from accounts.models import ApiKey, Workspace
from agents.models import Agent


def run_demo(capsys) -> dict:
    call_command("demo", "--json")
    return json.loads(capsys.readouterr().out)


def test_demo_prints_summary(db, capsys):
    summary = run_demo(capsys)

    assert set(summary) == {"workspace", "agent_id", "api_key", "username", "password", "webhook_url"}
    agent = Agent.objects.get(public_id=summary["agent_id"])
    assert agent.provider == "simulator"
    assert [(m.name, m.field) for m in agent.mappings.all()] == [
        ("name", "FirstName"), ("phone", "Phone"), ("email", "EmailAddress"),
        ("company", "Company"), ("city", "mx_City"), ("product_interest", "mx_Product_Interest"),
    ]
    assert ApiKey.find(summary["api_key"]).name == "demo"
    assert f"agent_id={summary['agent_id']}" in summary["webhook_url"]
    assert "type=leadsquared" in summary["webhook_url"]


def test_demo_twice_replaces_key(db, capsys):
    first = run_demo(capsys)
    second = run_demo(capsys)

    assert first["agent_id"] == second["agent_id"]
    assert first["api_key"] != second["api_key"]
    assert Workspace.objects.count() == 1
    assert Agent.objects.count() == 1
    assert ApiKey.find(first["api_key"]) is None
    assert ApiKey.find(second["api_key"]) is not None


def test_demo_login_works(db, capsys, client):
    summary = run_demo(capsys)

    assert client.login(username=summary["username"], password=summary["password"])
