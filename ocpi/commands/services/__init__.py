"""The only write path for commands: sending one (admin, CLI), the CPO's answer and result
callback, the TIMEOUT sweep and linking a START_SESSION to the session the CPO pushes later.

``sending`` stores and sends, ``outcomes`` records what comes back, ``upkeep`` times out and
links. Sending never holds a database transaction across the call to the CPO: its result may
arrive before its answer does, and must find the command.
"""

from ocpi.commands.services.outcomes import command_result_receive, record_failure, record_response
from ocpi.commands.services.sending import (
    CommandRefused,
    command_reserve_now,
    command_start_session,
    command_stop_session,
    command_unlock_connector,
)
from ocpi.commands.services.upkeep import (
    LINK_EARLIER,
    LINK_HORIZON,
    LINK_LATER,
    command_link_session,
    command_time_out,
    commands_link_sessions,
    commands_time_out,
)

__all__ = [
    "LINK_EARLIER",
    "LINK_HORIZON",
    "LINK_LATER",
    "CommandRefused",
    "command_link_session",
    "command_reserve_now",
    "command_result_receive",
    "command_start_session",
    "command_stop_session",
    "command_time_out",
    "command_unlock_connector",
    "commands_link_sessions",
    "commands_time_out",
    "record_failure",
    "record_response",
]
