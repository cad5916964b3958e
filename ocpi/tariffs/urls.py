from django.urls import path

from ocpi.tariffs.views import TariffView

urlpatterns = [
    path("/<str:country_code>/<str:party_id>/<str:tariff_id>", TariffView.as_view(), name="ocpi-tariff"),
]
