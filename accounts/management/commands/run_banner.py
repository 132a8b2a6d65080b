"""Print what `make run` offers: dashboard, login, webhook URL and a ready curl command."""
import json
import shlex
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.management.commands.demo import SAMPLE_LEAD
from integrations.leadsquared.stub import DEMO_ACCESS_KEY, DEMO_SECRET_KEY


class Command(BaseCommand):
    help = "Print the dashboard URL, demo login, webhook URL and a curl command that posts the sample lead."

    def add_arguments(self, parser):
        parser.add_argument("demo_json", help="File holding the output of `manage.py demo --json`.")

    def handle(self, *args, demo_json, **options):
        with open(demo_json) as file:
            demo = json.load(file)
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        # A copy of the sample lead with a new ProspectID, so the command creates a new call on
        # every run instead of being reported as a duplicate of the last run's lead.
        sample = json.loads(SAMPLE_LEAD.read_text())
        sample["ProspectID"] = str(uuid.uuid4())
        sample_path = Path(settings.VAR_DIR) / "sample-lead.json"
        sample_path.write_text(json.dumps(sample, indent=2))
        curl = (
            f"curl -sS -X POST {shlex.quote(demo['webhook_url'])} "
            f"-H 'Content-Type: application/json' --data-binary @{shlex.quote(str(sample_path))}"
        )
        self.stdout.write(
            "\n"
            f"  Dashboard:    {base}/\n"
            f"  Admin:        {base}/admin/\n"
            f"  Login:        {demo['username']} / {demo['password']}\n"
            f"  Agent id:     {demo['agent_id']}\n"
            f"  Webhook URL:  {demo['webhook_url']}\n"
            "\n"
            "  Post the sample LeadSquared lead:\n"
            f"    {curl}\n"
            f"  Then follow the call:  curl -sS -H 'X-API-KEY: {demo['api_key']}' {base}/api/v1/calls\n"
            "\n"
            "  Integrations → LeadSquared talks to a local stub; connect it with host\n"
            f"  api-in21.leadsquared.com, access key {DEMO_ACCESS_KEY}, secret key {DEMO_SECRET_KEY}.\n"
            "\n"
            "  Ctrl-C stops the web server, worker and beat.\n"
        )
