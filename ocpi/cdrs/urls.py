from django.urls import path

from ocpi.cdrs.schemas import CDR
from ocpi.cdrs.views import CdrsView, CdrView
from ocpi.core.openapi import Operation

urlpatterns = [
    path("", CdrsView.as_view(), name="ocpi-cdrs"),
    path("/<int:cdr_id>", CdrView.as_view(), name="ocpi-cdr"),
]

operations = [
    Operation(
        "", "POST", "Send a CDR (201 with its URL in Location; the same CDR again: 200)", request=CDR,
        success=("200", "201"),
    ),
    Operation("/<int:cdr_id>", "GET", "A CDR at the URL its POST answered", data=CDR),
]  # fmt: skip
