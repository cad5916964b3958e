"""The project's URLs plus the DRF twin of the Session PUT endpoint."""

from django.urls import path

from bench.drf.views import DrfSessionView
from emsp.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path(
        "bench/drf/sessions/<str:country_code>/<str:party_id>/<str:session_id>",
        DrfSessionView.as_view(),
        {"version": "2.1.1"},
    ),
    *project_urlpatterns,
]
