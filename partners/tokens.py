"""Credentials tokens: the ones we issue (stored as hashes) and the ones partners issue to us
(stored encrypted, key from settings) — DESIGN.md §4."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def new_token() -> str:
    """A fresh token: 43 URL-safe characters (256 bits). Its length is never a multiple of 4,
    so it can never be mistaken for the Base64 form of another token; it never starts with "-",
    which a command line (``partner_register --token …``) would read as an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_hash(token: str) -> str:
    """Tokens are random 256-bit values, so a plain SHA-256 is enough to store and look them up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def encrypt_token(token: str) -> str:
    return _fernet(tuple(settings.OCPI_TOKEN_ENCRYPTION_KEYS)).encrypt(token.encode("utf-8")).decode("ascii")


def decrypt_token(stored: str) -> str:
    try:
        return _fernet(tuple(settings.OCPI_TOKEN_ENCRYPTION_KEYS)).decrypt(stored.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored partner token cannot be decrypted with OCPI_TOKEN_ENCRYPTION_KEYS (was the key changed?)"
        ) from None


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    """The first key encrypts; every key decrypts (so keys can be rotated)."""
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "OCPI_TOKEN_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes"
        ) from None
