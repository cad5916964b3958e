"""Signals partners send so that rooms above them (the console's audit trail) can react without
being imported here.

``credentials_changed`` is sent after every change to a partner's credentials or registration
(a handshake either way, an update, an unregistration), with ``partner``, ``action`` (a short
verb), ``before`` and ``after`` (what the registration looked like; tokens only as fingerprints,
never themselves) and ``via`` (``"ocpi"``: the partner called us; ``"system"``: we acted).
"""

from __future__ import annotations

from django.dispatch import Signal

credentials_changed = Signal()
