"""Workspaces (the tenant), their members and their API keys."""
import hashlib
import hmac
import secrets
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now

API_KEY_PREFIX = "ck_"


def validate_timezone(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError(
            f"{name!r} is not an IANA timezone name; use a name such as Asia/Kolkata.",
        )


def validate_region(code: str) -> None:
    import phonenumbers

    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            f"{code!r} is not a supported country code; use two letters such as IN.",
        )


class Workspace(models.Model):
    """A customer account. Every agent, key, call and delivery belongs to one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    # Calling windows are read in this timezone; LeadSquared reports the account's own.
    timezone = models.CharField(max_length=64, default="Asia/Kolkata", validators=[validate_timezone])
    # Region used to read phone numbers written without a country code.
    default_region = models.CharField(max_length=2, default="IN", validators=[validate_region])
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace}"


def hash_api_key(raw_key: str) -> str:
    """SHA-256 of the key. Keys carry 160 random bits, so a fast hash is enough."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A workspace's key for the webhook and the API. Only its hash is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    # The first characters of the key, shown in lists so people can tell keys apart.
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    # Seconds between two writes of last_used_at, so a burst of webhooks costs one write.
    LAST_USED_RESOLUTION = 60

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, workspace: Workspace, name: str) -> tuple["ApiKey", str]:
        """Create a key and return it with its plaintext, which is not stored anywhere."""
        raw_key = API_KEY_PREFIX + secrets.token_hex(20)
        api_key = cls.objects.create(
            workspace=workspace,
            name=name,
            prefix=raw_key[:8],
            key_hash=hash_api_key(raw_key),
        )
        return api_key, raw_key

    @classmethod
    def find(cls, raw_key: str | None) -> "ApiKey | None":
        """Return the active key matching ``raw_key``, with its workspace, or None."""
        if not raw_key or not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > 100:
            return None
        digest = hash_api_key(raw_key)
        api_key = cls.objects.active().select_related("workspace").filter(key_hash=digest).first()
        if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
            return None
        return api_key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.refresh_from_db(fields=["revoked_at"])
        if self.revoked_at is None:
            # save(), not update(), so that post_save clears the webhook's lookup cache.
            self.revoked_at = now()
            self.save(update_fields=["revoked_at"])

    def record_use(self) -> None:
        current = now()
        stale = self.last_used_at is None or (current - self.last_used_at).total_seconds() > self.LAST_USED_RESOLUTION
        if stale:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=current)
            self.last_used_at = current
