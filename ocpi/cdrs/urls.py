from django.urls import path

from ocpi.cdrs.views import CdrsView, CdrView

urlpatterns = [
    path("", CdrsView.as_view(), name="ocpi-cdrs"),
    path("/<int:cdr_id>", CdrView.as_view(), name="ocpi-cdr"),
]
