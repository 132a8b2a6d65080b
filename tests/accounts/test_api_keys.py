"""API keys: shown once, stored as a hash, revocable, use recorded."""
from datetime import timedelta

from django.db import connection

from accounts.models import ApiKey, hash_api_key


def test_issue_stores_only_hash(workspace):
    api_key, raw_key = ApiKey.issue(workspace, "LeadSquared")

    assert raw_key.startswith("ck_")
    assert len(raw_key) == 43
    assert api_key.key_hash == hash_api_key(raw_key)
    assert api_key.prefix == raw_key[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        rows = cursor.fetchall()
    assert raw_key not in repr(rows)


def test_find_returns_active_key(workspace):
    api_key, raw_key = ApiKey.issue(workspace, "LeadSquared")

    assert ApiKey.find(raw_key) == api_key
    assert ApiKey.find(raw_key).workspace == workspace


def test_find_rejects_wrong_and_malformed_keys(workspace):
    _, raw_key = ApiKey.issue(workspace, "LeadSquared")

    assert ApiKey.find(raw_key[:-1] + ("0" if raw_key[-1] != "0" else "1")) is None
    assert ApiKey.find("") is None
    assert ApiKey.find(None) is None
    assert ApiKey.find(raw_key[3:]) is None
    assert ApiKey.find("ck_" + "a" * 500) is None


def test_revoked_key_is_not_found(workspace):
    api_key, raw_key = ApiKey.issue(workspace, "LeadSquared")

    api_key.revoke()

    assert ApiKey.find(raw_key) is None
    assert api_key.is_active is False


def test_record_use_writes_at_most_once_a_minute(workspace, django_assert_num_queries):
    api_key, _ = ApiKey.issue(workspace, "LeadSquared")
    api_key.record_use()
    first = api_key.last_used_at

    with django_assert_num_queries(0):
        api_key.record_use()

    api_key.last_used_at = first - timedelta(minutes=2)
    with django_assert_num_queries(1):
        api_key.record_use()
