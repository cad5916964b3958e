from django.urls import path

from ocpi.tokens.views import TokenAuthorizeView, TokenListView

urlpatterns = [
    path("", TokenListView.as_view(), name="ocpi-tokens"),
    path("/<str:token_uid>/authorize", TokenAuthorizeView.as_view(), name="ocpi-token-authorize"),
]
