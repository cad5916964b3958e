from django.urls import path

from partners.views import CredentialsView

urlpatterns = [path("", CredentialsView.as_view(), name="ocpi-credentials")]
