"""`manage.py check --deploy` is clean with the production settings."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "callkaro.settings",
    "DEBUG": "false",
    "HTTPS_ONLY": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "ALLOWED_HOSTS": "calls.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://calls.example.com",
    "PUBLIC_BASE_URL": "https://calls.example.com",
}


def test_check_deploy_reports_nothing(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(PRODUCTION_ENV)
    environment.update({
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "CALLKARO_VAR_DIR": str(tmp_path),
    })

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr
