"""``calendar_changed``: the working calendar changed on some dates.

Sent after the transaction that changed ``CalendarDay`` rows commits (``transaction.on_commit``),
so a receiver never sees a change that was rolled back. Receivers (dossiers, feedback) recompute
the due dates of **open** items whose window covers one of the dates and store the new trace
beside the old one; printed appointments stay as issued (DOMAIN.md §3.7, §12 question 6).

Arguments:

- ``dates``: list of ``datetime.date`` that changed;
- ``scope``: ``"national"``, ``"province"`` or ``"unit"``;
- ``unit``: the ``AdministrativeUnit`` of a province or unit row, ``None`` for national rows.
"""

from django.dispatch import Signal

calendar_changed = Signal()
