"""Our one token validation refuses every ChargeMap invalid token payload and accepts the valid ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocpi.core.errors import InvalidParameters
from ocpi.core.wire import convert
from ocpi.tokens.schemas import LocationReferences, validate_token
from tests.support.schemas import SHARED

PAYLOADS = SHARED / "ocpi/external-fixtures/ChargeMap-ocpi-protocol/tests/Versions/V2_1_1/Client/Tokens/Get/payloads"
AUTHORIZE = SHARED / "ocpi/external-fixtures/ChargeMap-ocpi-protocol/tests/Versions/V2_1_1/Server/Emsp/Tokens/Post"
INVALID = sorted((PAYLOADS / "invalid").glob("ko_*.json"))
VALID = sorted((PAYLOADS / "valid").glob("ok_*.json"))


def data_of(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def test_it_has_the_fixtures_to_check():
    assert len(INVALID) >= 20
    assert len(VALID) >= 4


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.stem)
def test_it_refuses_each_invalid_chargemap_token_naming_a_field(path):
    with pytest.raises(InvalidParameters) as refused:
        validate_token(data_of(path))
    message = refused.value.message
    fields = ("uid", "type", "auth_id", "visual_number", "issuer", "valid", "whitelist", "language", "last_updated")
    assert any(field in message for field in (*fields, "unallowed_property")), message


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.stem)
def test_it_accepts_each_valid_chargemap_token(path):
    token = validate_token(data_of(path))
    assert token.uid == data_of(path)["uid"]


def test_it_names_the_field_of_an_over_long_issuer():
    data = data_of(PAYLOADS / "invalid/ko_issuer_too_long.json")
    with pytest.raises(InvalidParameters, match=r"^issuer: "):
        validate_token(data)


def test_it_reads_chargemap_location_references_and_refuses_their_invalid_one():
    body = json.loads((AUTHORIZE / "payloads/valid/TokenPostPayload.json").read_text())
    assert convert(body, LocationReferences).evse_uids == ["evse_uid_1", "evse_uid_2"]
    bad = json.loads((AUTHORIZE / "payloads/invalid/ErrorInPayload.json").read_text())
    with pytest.raises(InvalidParameters, match="location_id"):
        convert(bad, LocationReferences)


@pytest.mark.parametrize("path", sorted((AUTHORIZE / "payloads/responses").glob("*.json")), ids=lambda path: path.stem)
def test_it_reads_every_chargemap_authorization_answer_and_writes_it_back_the_same(path):
    from ocpi.tokens.schemas import AuthorizationInfo, encode

    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    info = convert(data, AuthorizationInfo)
    assert encode(info) == {key: value for key, value in data.items() if value is not None}
