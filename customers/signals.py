"""Signals customers send so that rooms above them (tokens) can react without being imported here.

``customer_status_changed`` is sent inside the transaction of a block/unblock, with
``customer_id``: the tokens room bumps the ``last_updated`` of that customer's tokens, because
the ``valid`` we serve for them changes (a blocked customer's tokens are served ``valid: false``).
"""

from __future__ import annotations

from django.dispatch import Signal

customer_status_changed = Signal()
