"""Signals of the procedure catalogue."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction of ``procedure_upsert`` when a decision announces a new version of
# a procedure, with ``version``. The publication register (a sibling app) turns it into a
# "procedure listing" item for every unit that handles the procedure (DOMAIN.md §8.2).
version_announced = Signal()
