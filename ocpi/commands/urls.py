from django.urls import path

from ocpi.commands.views import CommandResultView

urlpatterns = [
    path("/<str:command_type>/<str:response_token>", CommandResultView.as_view(), name="ocpi-command-result"),
]
