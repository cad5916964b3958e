from django.urls import path

from ocpi.commands.views import CommandResultView
from ocpi.core.openapi import Operation

_RESULT = "/<str:command_type>/<str:response_token>"

urlpatterns = [
    path(_RESULT, CommandResultView.as_view(), name="ocpi-command-result"),
]

# The result a CPO posts to the response_url we sent: a CommandResponse, or (a common habit) the
# bare result string; an unknown value is recorded as a failure (DESIGN.md §4).
_RESULT_BODY = {
    "oneOf": [
        {"type": "object", "required": ["result"], "properties": {"result": {"type": "string", "minLength": 1}}},
        {"type": "string", "minLength": 1},
    ]
}
_COMMAND = {"type": "string", "enum": ["START_SESSION", "STOP_SESSION", "RESERVE_NOW", "UNLOCK_CONNECTOR"]}
operations = [
    Operation(
        _RESULT, "POST", "The result of a command we sent, at its response_url", request=_RESULT_BODY,
        extra_path_parameters={"command_type": _COMMAND},
    ),
]  # fmt: skip
