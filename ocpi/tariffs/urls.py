from django.urls import path

from ocpi.core.openapi import Operation
from ocpi.tariffs.schemas import Tariff, TariffPatch
from ocpi.tariffs.views import TariffView

_TARIFF = "/<str:country_code>/<str:party_id>/<str:tariff_id>"

urlpatterns = [
    path(_TARIFF, TariffView.as_view(), name="ocpi-tariff"),
]

operations = [
    Operation(_TARIFF, "GET", "A tariff as we hold it", data=Tariff),
    Operation(_TARIFF, "PUT", "Create or replace a tariff (a new revision)", request=Tariff, success=("200", "201")),
    Operation(_TARIFF, "PATCH", "Change fields of a tariff (a new revision)", request=TariffPatch),
    Operation(_TARIFF, "DELETE", "Remove a tariff (its revisions stay for pricing)"),
]
