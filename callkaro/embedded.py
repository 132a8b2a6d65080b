"""Secrets for the embedded defaults, generated once into ``var/`` and reused.

Production sets ``SECRET_KEY`` and ``FIELD_ENCRYPTION_KEYS`` in the environment and never
reaches this module.
"""
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def read_or_create(path: Path, make_value) -> str:
    """Return the value stored at ``path``, writing ``make_value()`` there first if it is missing.

    The file is created with mode 0600 and ``O_EXCL``, so two processes starting at once
    agree on one value: the loser of the race reads the winner's file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()

    value = make_value()
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def secret_key(var_dir: Path) -> str:
    return read_or_create(var_dir / "secret_key", lambda: secrets.token_urlsafe(50))


def field_encryption_key(var_dir: Path) -> str:
    return read_or_create(var_dir / "field_encryption_key", lambda: Fernet.generate_key().decode())
