from django.urls import path

from ocpi.locations.views import ConnectorView, EvseView, LocationView

_LOCATION = "/<str:country_code>/<str:party_id>/<str:location_id>"

urlpatterns = [
    path(_LOCATION, LocationView.as_view(), name="ocpi-location"),
    path(f"{_LOCATION}/<str:evse_uid>", EvseView.as_view(), name="ocpi-evse"),
    path(f"{_LOCATION}/<str:evse_uid>/<str:connector_id>", ConnectorView.as_view(), name="ocpi-connector"),
]
