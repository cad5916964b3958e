"""OCPI 2.1.1 wire objects of the credentials handshake (reference §2, §3.1, §5.1)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Url = Annotated[str, Meta(min_length=1, max_length=255, pattern=r"^https?://")]
Token = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
ImageCategory = Literal["CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"]


class Image(msgspec.Struct, omit_defaults=True):
    url: Url
    category: ImageCategory
    type: Annotated[str, Meta(max_length=4)]
    thumbnail: Url | None = None
    width: Annotated[int, Meta(ge=0, le=99999)] | None = None
    height: Annotated[int, Meta(ge=0, le=99999)] | None = None


class BusinessDetails(msgspec.Struct, omit_defaults=True):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    website: Url | None = None
    logo: Image | None = None


class Credentials(msgspec.Struct, omit_defaults=True):
    token: Token
    url: Url
    business_details: BusinessDetails
    party_id: Annotated[str, Meta(min_length=3, max_length=3, pattern=r"^[A-Za-z0-9]{3}$")]
    country_code: Annotated[str, Meta(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]


class Version(msgspec.Struct):
    version: str
    url: Url


class Endpoint(msgspec.Struct):
    identifier: str  # ModuleID; custom identifiers are allowed between consenting parties
    url: Url


class VersionDetails(msgspec.Struct):
    version: str
    endpoints: Annotated[list[Endpoint], Meta(min_length=1)]
