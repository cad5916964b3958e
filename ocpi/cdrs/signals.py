"""Signals the CDRs room sends so that rooms above it (billing) can react without being imported
here.

``cdr_received`` is sent once a new CDR is committed (a push or a pull), with ``cdr_id``: billing
prices it against the tariff valid at its start. Duplicates and conflicts do not send it.
"""

from __future__ import annotations

from django.dispatch import Signal

cdr_received = Signal()
