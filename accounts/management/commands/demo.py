"""Create the demo workspace, user and agent if missing, and issue a fresh API key."""
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import ApiKey, Membership, Workspace
from agents.models import Agent, VariableMapping

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"
DEMO_MAPPINGS = [
    ("name", "FirstName"),
    ("phone", "Phone"),
    ("email", "EmailAddress"),
    ("company", "Company"),
    ("city", "mx_City"),
    ("product_interest", "mx_Product_Interest"),
]
SAMPLE_LEAD = Path(__file__).resolve().parents[3] / "integrations" / "leadsquared" / "samples" / "lead-created.json"


class Command(BaseCommand):
    help = "Create the demo workspace, user and simulator agent if missing, and issue a fresh API key named demo."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a summary.")

    @transaction.atomic
    def handle(self, *args, **options):
        workspace, _ = Workspace.objects.get_or_create(slug="demo", defaults={"name": "Demo workspace"})
        user = self.demo_user()
        Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": Membership.Role.OWNER})

        agent = Agent.objects.filter(workspace=workspace, name="Demo agent").first()
        if agent is None:
            agent = Agent.objects.create(workspace=workspace, name="Demo agent", provider="simulator")
        for position, (name, field) in enumerate(DEMO_MAPPINGS):
            VariableMapping.objects.get_or_create(
                agent=agent, name=name, defaults={"field": field, "position": position},
            )

        # Only the newest demo key works, so keys printed by earlier runs do not pile up.
        for old_key in ApiKey.objects.active().filter(workspace=workspace, name="demo"):
            old_key.revoke()
        _, raw_key = ApiKey.issue(workspace, "demo")
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        summary = {
            "workspace": workspace.slug,
            "agent_id": agent.public_id,
            "api_key": raw_key,
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
            "webhook_url": f"{base}/call/crm-webhook?agent_id={agent.public_id}&type=leadsquared&x_api_key={raw_key}",
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            for key, value in summary.items():
                self.stdout.write(f"{key}: {value}")

    def demo_user(self):
        users = get_user_model()
        user = users.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = users.objects.create_user(DEMO_USERNAME, email="demo@example.com", password=DEMO_PASSWORD)
            user.is_staff = True
            user.is_superuser = True
            user.save()
        return user
