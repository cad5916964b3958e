from django.urls import path

from ocpi.core.openapi import Operation
from ocpi.locations.schemas import EVSE, Connector, ConnectorPatch, EvsePatch, Location, LocationPatch
from ocpi.locations.views import ConnectorView, EvseView, LocationView

_LOCATION = "/<str:country_code>/<str:party_id>/<str:location_id>"
_EVSE = f"{_LOCATION}/<str:evse_uid>"
_CONNECTOR = f"{_EVSE}/<str:connector_id>"

urlpatterns = [
    path(_LOCATION, LocationView.as_view(), name="ocpi-location"),
    path(_EVSE, EvseView.as_view(), name="ocpi-evse"),
    path(_CONNECTOR, ConnectorView.as_view(), name="ocpi-connector"),
]

_CREATED = ("200", "201")
operations = [
    Operation(_LOCATION, "GET", "A location with its EVSEs", data=Location),
    Operation(_LOCATION, "PUT", "Create or replace a location", request=Location, success=_CREATED),
    Operation(_LOCATION, "PATCH", "Change fields of a location", request=LocationPatch),
    Operation(_EVSE, "GET", "An EVSE", data=EVSE),
    Operation(_EVSE, "PUT", "Create or replace an EVSE of a known location", request=EVSE, success=_CREATED),
    Operation(_EVSE, "PATCH", "Change fields of an EVSE (e.g. its status)", request=EvsePatch),
    Operation(_CONNECTOR, "GET", "A connector", data=Connector),
    Operation(_CONNECTOR, "PUT", "Create or replace a connector of a known EVSE", request=Connector, success=_CREATED),
    Operation(_CONNECTOR, "PATCH", "Change fields of a connector", request=ConnectorPatch),
]
