"""Remote commands we sent to CPOs (reference §4.6, §5.7), stored version-neutral.

A command is a small state machine::

    REQUESTED ──(the CPO's CommandResponse)──> ACCEPTED ──(result callback)──> FINISHED
        │                                          └──(no callback in time)──> TIMEOUT
        └──> REJECTED | NOT_SUPPORTED | UNKNOWN_SESSION | UNKNOWN_LOCATION (2003) | FAILED | TIMEOUT

``response`` is what the CPO answered at once, ``result`` the Charge Point's final result (a
2.2.1 CommandResultType value, a superset of what 2.1.1 CPOs send back). A callback that comes
after the command ended (TIMEOUT, or a refusal) is kept in ``late_result`` and changes nothing
else (DESIGN.md §4 "Command results").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partners.models import Partner


class CommandType(models.TextChoices):
    RESERVE_NOW = "RESERVE_NOW"
    START_SESSION = "START_SESSION"
    STOP_SESSION = "STOP_SESSION"
    UNLOCK_CONNECTOR = "UNLOCK_CONNECTOR"


class CommandState(models.TextChoices):
    REQUESTED = "REQUESTED", "requested (waiting for the CPO's answer)"
    ACCEPTED = "ACCEPTED", "accepted (waiting for the result)"
    REJECTED = "REJECTED", "rejected by the CPO"
    NOT_SUPPORTED = "NOT_SUPPORTED", "not supported by the CPO"
    UNKNOWN_SESSION = "UNKNOWN_SESSION", "unknown session"
    UNKNOWN_LOCATION = "UNKNOWN_LOCATION", "unknown location (2003)"
    FAILED = "FAILED", "failed (not delivered, or an unusable answer)"
    FINISHED = "FINISHED", "finished (see result)"
    TIMEOUT = "TIMEOUT", "timed out"


class CommandResponseType(models.TextChoices):
    """OCPI 2.1.1 CommandResponseType: the CPO's synchronous answer."""

    ACCEPTED = "ACCEPTED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    REJECTED = "REJECTED"
    TIMEOUT = "TIMEOUT"
    UNKNOWN_SESSION = "UNKNOWN_SESSION"


class CommandResultType(models.TextChoices):
    """The final result: 2.1.1 CPOs call back with a CommandResponseType, 2.2.1 ones with a
    CommandResultType; this is the union (UNKNOWN_SESSION only in 2.1.1)."""

    ACCEPTED = "ACCEPTED"
    CANCELED_RESERVATION = "CANCELED_RESERVATION"
    EVSE_OCCUPIED = "EVSE_OCCUPIED"
    EVSE_INOPERATIVE = "EVSE_INOPERATIVE"
    FAILED = "FAILED"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    REJECTED = "REJECTED"
    TIMEOUT = "TIMEOUT"
    UNKNOWN_RESERVATION = "UNKNOWN_RESERVATION"
    UNKNOWN_SESSION = "UNKNOWN_SESSION"


PENDING_STATES = (CommandState.REQUESTED, CommandState.ACCEPTED)


class Command(models.Model):
    """One command sent to one partner, and everything that came back.

    ``response_token`` is the unguessable last part of the ``response_url`` we sent: the
    callback is matched by it, the command type and the calling partner together. Token and
    session are foreign keys by name (the tokens and sessions rooms are siblings, not imports).
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="commands")
    type = models.CharField(max_length=16, choices=CommandType.choices)
    state = models.CharField(max_length=16, choices=CommandState.choices, default=CommandState.REQUESTED)
    response = models.CharField(
        max_length=16, blank=True, help_text="The CPO's synchronous CommandResponse (empty: none usable)"
    )
    result = models.CharField(max_length=20, blank=True, choices=CommandResultType.choices)
    result_raw = models.TextField(blank=True, help_text="The callback body as received, when it was not understood")
    message = models.TextField(blank=True, help_text="Why it failed, in words")
    late_result = models.CharField(
        max_length=20, blank=True, help_text="A result that arrived after the command had ended (not applied)"
    )
    late_result_at = models.DateTimeField(null=True, blank=True)
    request = models.JSONField(help_text="The body we POSTed")
    response_token = models.CharField(max_length=64, unique=True)
    url = models.URLField(max_length=255, help_text="Where we POSTed it")

    token = models.ForeignKey("ocpi_tokens.Token", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    location_id = models.CharField(max_length=39, blank=True)
    evse_uid = models.CharField(max_length=39, blank=True)
    connector_id = models.CharField(max_length=36, blank=True)
    reservation_id = models.BigIntegerField(null=True, blank=True)
    session = models.ForeignKey(
        "ocpi_sessions.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_via = models.CharField(max_length=10, default="admin", help_text="admin or cli")
    requested_at = models.DateTimeField(db_index=True)
    deadline = models.DateTimeField(help_text="TIMEOUT when no result by then (OCPI_COMMAND_TIMEOUT_SECONDS)")
    answered_at = models.DateTimeField(null=True, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    timed_out_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True, help_text="When the session was linked")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "deadline"], name="command_state_deadline")]
        constraints = [
            # One session is started by one command: two sweeps linking at once cannot both claim it.
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(type="START_SESSION"), name="command_one_start_per_session"
            ),
        ]
        permissions = [
            ("send_command", "Can send START_SESSION, STOP_SESSION and RESERVE_NOW"),
            ("unlock_connector", "Can send UNLOCK_CONNECTOR (Support)"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk} to {self.partner}: {self.state}"

    @property
    def is_final(self) -> bool:
        return self.state not in PENDING_STATES

    @property
    def succeeded(self) -> bool:
        return self.state == CommandState.FINISHED and self.result == CommandResultType.ACCEPTED
