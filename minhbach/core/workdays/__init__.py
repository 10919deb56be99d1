"""Working days and deadlines (DOMAIN.md §3).

- :mod:`.engine`: pure deadline arithmetic over an in-memory :class:`~.engine.WorkCalendar`;
- :mod:`.calendar`: builds that calendar from the database (rule set in force, ``CalendarDay``
  rows with the most specific scope winning, the agency's cut-off and office hours);
- :mod:`.seed`: seeds national ``CalendarDay`` rows from the ``holidays`` package;
- :mod:`.services`: officials' corrections, logged in the ledger;
- :mod:`.signals`: ``calendar_changed``, sent after a correction commits.
"""
