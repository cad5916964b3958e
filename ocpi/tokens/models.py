"""Our tokens (reference §5.6) and the real-time authorization decisions we took (§4.5.1).

Tokens are OUR data (the eMSP owns them): staff edit them, CPOs only read them. ``uid`` is
unique across types (DESIGN.md §4: 2.1.1 CPO URLs carry only the uid). Every token belongs to
a customer: the OCPI ``auth_id`` is that customer's contract id, and a token nobody holds a
contract for could not be billed, so the foreign key is not nullable.
"""

from __future__ import annotations

from django.db import models

from customers.models import Customer
from partners.models import Partner


class TokenType(models.TextChoices):
    OTHER = "OTHER"
    RFID = "RFID"


class WhitelistType(models.TextChoices):
    ALWAYS = "ALWAYS"
    ALLOWED = "ALLOWED"
    ALLOWED_OFFLINE = "ALLOWED_OFFLINE"
    NEVER = "NEVER"


class Allowed(models.TextChoices):
    ALLOWED = "ALLOWED"
    BLOCKED = "BLOCKED"
    EXPIRED = "EXPIRED"
    NO_CREDIT = "NO_CREDIT"
    NOT_ALLOWED = "NOT_ALLOWED"


class Token(models.Model):
    """One token with every OCPI 2.1.1 field, plus its customer and expiry.

    ``valid`` is what staff set (block/unblock/expire); the ``valid`` we serve is also false
    while the customer is blocked (``ocpi.tokens.selectors``).
    """

    uid = models.CharField(max_length=36, unique=True)
    type = models.CharField(max_length=5, choices=TokenType.choices, default=TokenType.RFID)
    auth_id = models.CharField(max_length=36, db_index=True)
    visual_number = models.CharField(max_length=64, blank=True)
    issuer = models.CharField(max_length=64)
    valid = models.BooleanField(default=True)
    whitelist = models.CharField(max_length=15, choices=WhitelistType.choices, default=WhitelistType.ALLOWED)
    language = models.CharField(max_length=2, blank=True)
    last_updated = models.DateTimeField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tokens")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Expiry; empty: no expiry")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The list we serve pages in primary-key order (ocpi.core.pagination keyset `after=`):
            # the primary key index serves an unfiltered walk; with date_from/date_to this index
            # gives the window's count and rows as one range scan.
            models.Index(fields=["last_updated", "id"], name="token_updated_id"),
        ]
        ordering = ["-last_updated", "-id"]

    def __str__(self) -> str:
        return f"{self.uid} ({self.type})"


class TokenTally(models.Model):
    """How many tokens exist, kept by the services in the transaction that inserts them (one
    row, pk 1). Tokens are never deleted (reference §4.5: invalidate instead), so the count
    only grows. It answers ``X-Total-Count`` of the unfiltered list, which would otherwise
    count every row on every page (≈70 ms at a million tokens, bench/RESULTS.md "tokens").
    """

    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} tokens"


class AuthorizationDecision(models.Model):
    """One real-time authorization answered to a CPO, for support and fraud review.

    ``result`` is an Allowed value, or UNKNOWN_TOKEN (answered 404/2004) or NEEDS_LOCATION
    (answered 2002). ``latency_ms`` is the time from the request reaching the view to the
    decision being taken (the insert of this row is not in it).
    """

    class Result(models.TextChoices):
        ALLOWED = "ALLOWED"
        BLOCKED = "BLOCKED"
        EXPIRED = "EXPIRED"
        NO_CREDIT = "NO_CREDIT"
        NOT_ALLOWED = "NOT_ALLOWED"
        UNKNOWN_TOKEN = "UNKNOWN_TOKEN"  # noqa: S105 (a result, not a secret)
        NEEDS_LOCATION = "NEEDS_LOCATION"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(Token, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    token_uid = models.CharField(max_length=36, help_text="As the CPO sent it (also for unknown tokens)")
    location_id = models.CharField(max_length=39, blank=True)
    evse_uids = models.JSONField(default=list, blank=True, help_text="As requested")
    allowed_evse_uids = models.JSONField(default=list, blank=True, help_text="As answered")
    result = models.CharField(max_length=14, choices=Result.choices)
    latency_ms = models.FloatField()
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.token_uid}: {self.result}"


class TokenPush(models.Model):
    """The outbox of token distribution (issue 5 item 4): what one CPO still has to receive about
    one token. Written in the transaction that changes the token, so a change is pushed if and
    only if it was committed; one row per (partner, token), so a newer change folds into a
    pending one and the CPO always receives the token's current state, never an older one after
    a newer (``version`` tells a sender whether the token changed while its call was in flight).
    """

    class State(models.TextChoices):
        PENDING = "PENDING"
        SENT = "SENT"
        DEAD = "DEAD"  # gave up after OCPI_TOKEN_PUSH_MAX_ATTEMPTS, or refused for good; re-sendable

    class Method(models.TextChoices):
        PUT = "PUT"
        PATCH = "PATCH"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="pushes")
    method = models.CharField(max_length=5, choices=Method.choices, default=Method.PUT)
    fields = models.JSONField(default=list, blank=True, help_text="The Token fields a PATCH carries")
    version = models.BigIntegerField(help_text="Changes with every change folded in")
    state = models.CharField(max_length=7, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True, help_text="A sender holds it until then")
    last_error = models.TextField(blank=True)
    changed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "token push"
        constraints = [models.UniqueConstraint(fields=["partner", "token"], name="token_push_unique")]
        indexes = [models.Index(fields=["partner", "state", "next_attempt_at"], name="token_push_due")]
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.token_id} to partner {self.partner_id}: {self.state}"


class TokenPushStart(models.Model):
    """When a CPO's full initial push was queued (once per partner with a tokens endpoint)."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)
    tokens = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"initial push of {self.tokens} tokens to partner {self.partner_id}"
