from django.urls import path

from ocpi.core.openapi import Operation
from ocpi.sessions.schemas import Session, SessionPatch
from ocpi.sessions.views import SessionView

_SESSION = "/<str:country_code>/<str:party_id>/<str:session_id>"

urlpatterns = [
    path(_SESSION, SessionView.as_view(), name="ocpi-session"),
]

operations = [
    Operation(_SESSION, "GET", "A session as we hold it", data=Session),
    Operation(_SESSION, "PUT", "Create or replace a session", request=Session, success=("200", "201")),
    Operation(_SESSION, "PATCH", "Change fields of a session (charging_periods appended)", request=SessionPatch),
]
