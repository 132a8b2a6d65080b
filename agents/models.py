"""Calling agents and the mapping from CRM fields to the agent's call variables."""
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from accounts.models import Workspace
from callkaro.encryption import EncryptedTextField


def new_public_id() -> str:
    return secrets.token_hex(12)


def provider_choices():
    from calls.providers import provider_choices as choices

    return choices()


class Agent(models.Model):
    """A voice agent that calls leads through one provider."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="agents")
    # The id in webhook URLs: opaque, so ids cannot be guessed or counted.
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    name = models.CharField(max_length=200)
    provider = models.CharField(max_length=30, default="simulator", choices=provider_choices)
    # Provider options such as the provider's agent id and caller number; never secrets.
    provider_settings = models.JSONField(default=dict, blank=True)
    # The provider's API key, encrypted at rest.
    provider_api_key = EncryptedTextField(blank=True, default="")
    # The secret the provider signs its callbacks with, where it is not the API key
    # (Vapi, Bland); encrypted at rest.
    provider_webhook_secret = EncryptedTextField(blank=True, default="")
    paused = models.BooleanField(default=False, help_text="A paused agent keeps its calls but dials none.")
    max_concurrent_calls = models.PositiveIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Maximum calls this agent has ringing or in progress at once.",
    )
    # The calling window used when a webhook URL gives none, in the workspace's timezone.
    window_start = models.TimeField(null=True, blank=True, help_text="Earliest local time to call, e.g. 09:00.")
    window_end = models.TimeField(null=True, blank=True, help_text="Latest local time to call, e.g. 18:00.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (self.window_start is None) != (self.window_end is None):
            raise ValidationError("Set both ends of the default calling window, or neither.")
        if self.window_start is not None and self.window_start == self.window_end:
            raise ValidationError("The calling window's start and end must differ.")
        self.clean_provider_settings()

    def clean_provider_settings(self):
        """Check the provider's settings; errors are non-field, so any agent form can show them."""
        from calls.providers import PROVIDERS, get_provider

        if self.provider not in PROVIDERS:
            raise ValidationError(f"Unknown provider {self.provider!r}; choose one of {', '.join(sorted(PROVIDERS))}.")
        errors = get_provider(self.provider).validate_settings(
            self.provider_settings or {}, self.provider_api_key, self.provider_webhook_secret,
        )
        if errors:
            raise ValidationError([f"{field}: {message}" for field, message in sorted(errors.items())])


identifier_validator = RegexValidator(
    r"^[A-Za-z_][A-Za-z0-9_]*\Z",
    "Use letters, digits and underscores, starting with a letter or underscore (e.g. product_interest).",
)


class VariableMapping(models.Model):
    """One call variable of an agent, read from a field of the CRM's lead."""

    class Source(models.TextChoices):
        LEADSQUARED = "leadsquared", "LeadSquared"

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="mappings")
    name = models.CharField(max_length=64, validators=[identifier_validator])
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.LEADSQUARED)
    field = models.CharField(max_length=100, help_text="The CRM field's schema name, e.g. FirstName or mx_City.")
    format = models.CharField(max_length=40, blank=True, default="")
    default_value = models.CharField(max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "name"], name="unique_variable_per_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ← {self.field}"

    def clean(self):
        from agents.formats import FORMATS

        if self.format and self.format not in FORMATS:
            raise ValidationError({"format": f"Unknown format {self.format!r}."})
