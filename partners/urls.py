from django.urls import path

from ocpi.core.openapi import Operation
from partners.schemas import Credentials
from partners.views import CredentialsView

urlpatterns = [path("", CredentialsView.as_view(), name="ocpi-credentials")]

operations = [
    Operation("", "GET", "Our credentials (with the token the caller presented)", data=Credentials),
    Operation("", "POST", "Register with us, with token A (the handshake)", request=Credentials, data=Credentials),
    Operation("", "PUT", "Update your registration (a new token and versions)", request=Credentials, data=Credentials),
    Operation("", "DELETE", "Unregister"),
]
