from django.urls import path

from ocpi.core.openapi import Operation
from ocpi.tokens.schemas import AuthorizationInfo, LocationReferences, Token
from ocpi.tokens.views import TokenAuthorizeView, TokenListView

urlpatterns = [
    path("", TokenListView.as_view(), name="ocpi-tokens"),
    path("/<str:token_uid>/authorize", TokenAuthorizeView.as_view(), name="ocpi-token-authorize"),
]

_TOKEN_TYPE = {"type": "string", "enum": ["RFID", "OTHER"]}
operations = [
    Operation("", "GET", "Our tokens, invalid ones too", data=list[Token], paginated=True),
    Operation(
        "/<str:token_uid>/authorize", "POST", "Real-time authorization of a token, optionally at a location",
        request=LocationReferences, data=AuthorizationInfo, request_required=False,
        query=(
            {"name": "type", "in": "query", "schema": _TOKEN_TYPE},
            {"name": "token_type", "in": "query", "schema": _TOKEN_TYPE},
        ),
    ),
]  # fmt: skip
