"""Tokens we issue are random and hashed; tokens partners give us are encrypted, with rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from ocpi.core.authentication import _decode_base64_token
from partners.tokens import decrypt_token, encrypt_token, new_token, token_hash


def test_new_tokens_are_unique_printable_and_never_read_as_base64():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 43
        assert token.isascii()
        assert token.isprintable()
        assert _decode_base64_token(token) is None


def test_a_hash_is_stable_and_does_not_contain_the_token():
    token = new_token()
    assert token_hash(token) == token_hash(token)
    assert token not in token_hash(token)
    assert token_hash(token) != token_hash(new_token())


def test_partner_tokens_are_encrypted_and_survive_a_key_rotation(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.OCPI_TOKEN_ENCRYPTION_KEYS = [old_key]
    stored = encrypt_token("their-token-c")
    assert "their-token-c" not in stored
    settings.OCPI_TOKEN_ENCRYPTION_KEYS = [new_key, old_key]  # the new key encrypts, the old still decrypts
    assert decrypt_token(stored) == "their-token-c"
    assert decrypt_token(encrypt_token("another")) == "another"


def test_a_missing_key_or_a_malformed_key_is_a_clear_configuration_error(settings):
    settings.OCPI_TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    stored = encrypt_token("x")
    settings.OCPI_TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        decrypt_token(stored)
    settings.OCPI_TOKEN_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="OCPI_TOKEN_ENCRYPTION_KEYS"):
        encrypt_token("x")


def test_a_new_token_never_starts_with_a_dash_a_command_line_would_take_for_an_option():
    tokens = [new_token() for _ in range(3000)]  # about 47 would start with "-" by chance
    assert not [token for token in tokens if token.startswith("-")]
    assert {len(token) for token in tokens} == {43}
