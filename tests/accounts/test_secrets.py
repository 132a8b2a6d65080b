"""Encryption at rest and key redaction."""
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from callkaro.encryption import DecryptionError, decrypt, encrypt, rotate
from callkaro.redaction import redact_url
from tests.factories import AgentFactory


def test_encrypted_field_stores_ciphertext(workspace):
    agent = AgentFactory(workspace=workspace, provider_api_key="sk-provider-secret")

    with connection.cursor() as cursor:
        cursor.execute("SELECT provider_api_key FROM agents_agent WHERE id = %s", [agent.pk])
        stored = cursor.fetchone()[0]
    agent.refresh_from_db()

    assert "sk-provider-secret" not in stored
    assert agent.provider_api_key == "sk-provider-secret"


def test_decryption_with_unknown_key_raises(settings):
    token = encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        decrypt(token)


def test_rotation_keeps_old_values_readable(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    token = encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    rotated = rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]

    assert decrypt(rotated) == "secret"


REDACTION_CASES = [
    ("/call/crm-webhook?agent_id=a&x_api_key=ck_abcdef1234567890&type=leadsquared",
     "/call/crm-webhook?agent_id=a&x_api_key=[redacted]&type=leadsquared"),
    ("POST /call/crm-webhook?x_api_key=anything HTTP/1.1", "POST /call/crm-webhook?x_api_key=[redacted] HTTP/1.1"),
    ("key ck_0123456789abcdef0123 in a message", "key [redacted] in a message"),
    ("/call/crm-webhook?agent_id=a", "/call/crm-webhook?agent_id=a"),
]


@pytest.mark.parametrize(("text", "expected"), REDACTION_CASES)
def test_redact_url(text, expected):
    assert redact_url(text) == expected


def test_rotate_command_reencrypts_with_new_key(workspace, settings):
    from django.core.management import call_command

    agent = AgentFactory(workspace=workspace, provider_api_key="sk-provider-secret")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]

    agent.refresh_from_db()
    assert agent.provider_api_key == "sk-provider-secret"
