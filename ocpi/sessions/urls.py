from django.urls import path

from ocpi.sessions.views import SessionView

urlpatterns = [
    path("/<str:country_code>/<str:party_id>/<str:session_id>", SessionView.as_view(), name="ocpi-session"),
]
