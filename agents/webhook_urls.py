"""The agent's webhook URL, built from the dashboard's builder form.

The builder validates with ``webhooks.params.parse_parameters``, the function the
webhook endpoint runs, so a URL the dashboard shows as valid is one the endpoint accepts.
"""
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from calls.outcomes_catalog import DEFAULT_RETRY_ON
from webhooks.params import ParameterError, parse_parameters
from webhooks.receive import agent_default_window

KEY_PLACEHOLDER = "YOUR_API_KEY"
# Query parameters in the order LeadSquared's guide lists them.
ADVANCED_PARAMETERS = (
    "min_trigger_time", "max_trigger_time", "carry_over", "num_of_retries", "gap_between_retries",
    "timezone", "retry_on",
)


@dataclass
class BuiltUrl:
    query: dict[str, str]
    errors: list[ParameterError] = field(default_factory=list)
    url_with_key: str = ""
    url_without_key: str = ""

    @property
    def errors_by_parameter(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.parameter, []).append(error.message)
        return grouped


def advanced_query(data) -> dict[str, str]:
    """Collect the builder's non-empty advanced parameters, in the order the guide lists them.

    ``retry_on`` arrives as a list of outcomes; it is left out when it lists every
    not-reached outcome, because that is the endpoint's default.
    """
    query: dict[str, str] = {}
    for name in ADVANCED_PARAMETERS:
        if name == "retry_on":
            chosen = [value for value in data.getlist("retry_on") if value] if hasattr(data, "getlist") else list(data.get("retry_on") or [])
            if data.get("retry_on_set") and set(chosen) != set(DEFAULT_RETRY_ON):
                query[name] = ",".join(sorted(chosen))
            continue
        value = (data.get(name) or "").strip()
        if value:
            query[name] = value
    return query


def _encode(query: dict[str, str]) -> str:
    # Commas and colons stay readable (2,4,6 and 09:00), as the guide writes them.
    return "&".join(f"{name}={quote(value, safe=',:/')}" for name, value in query.items())


def build_webhook_url(agent, data, api_key: str = "") -> BuiltUrl:
    """Validate the builder's parameters and return both forms of the URL, or the errors."""
    query = advanced_query(data)
    parsed = parse_parameters(query, default_timezone=agent.workspace.timezone, default_window=agent_default_window(agent))
    built = BuiltUrl(query=query, errors=list(parsed.errors))
    if hasattr(data, "getlist") and data.get("retry_on_set") and not any(data.getlist("retry_on")):
        built.errors.append(ParameterError(
            "retry_on", "", "Choose at least one outcome to retry, or set num_of_retries to 0 for a single attempt.",
        ))
    if built.errors:
        return built

    base = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("crm-webhook")
    head = {"agent_id": agent.public_id, "type": "leadsquared"}
    built.url_without_key = f"{base}?{_encode({**head, **query})}"
    built.url_with_key = f"{base}?{_encode({**head, 'x_api_key': api_key or KEY_PLACEHOLDER, **query})}"
    return built
