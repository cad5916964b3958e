"""OCPI views built only from core pieces, as a module room would build them."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import NotEnoughInformation
from ocpi.core.types import format_datetime
from ocpi.core.views import OcpiView
from tests.testapp.models import Thing


def _serialize(things: Iterable[Thing]) -> list[dict[str, object]]:
    return [
        {"id": thing.pk, "name": thing.name, "last_updated": format_datetime(thing.last_updated)} for thing in things
    ]


class _ThingIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    tags = serializers.ListField(child=serializers.DictField(child=serializers.IntegerField()), required=False)


class ThingsView(OcpiView):
    def get(self, request: Request) -> OcpiResponse:
        return self.paginated(request, Thing.objects.all(), _serialize)

    def post(self, request: Request) -> OcpiResponse:
        incoming = _ThingIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        thing = Thing.objects.create(name=incoming.validated_data["name"], last_updated=timezone.now())
        return OcpiResponse(_serialize([thing])[0], http_status=201)


class BoomView(OcpiView):
    def get(self, request: Request) -> OcpiResponse:
        raise RuntimeError("internal detail that must not leak")


class NeedMoreView(OcpiView):
    def get(self, request: Request) -> OcpiResponse:
        raise NotEnoughInformation("LocationReferences are required")


urlpatterns = [
    path("things", ThingsView.as_view()),
    path("boom", BoomView.as_view()),
    path("need-more", NeedMoreView.as_view()),
]
