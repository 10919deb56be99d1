"""Database functions that Django does not offer in a form both databases run natively.

``F("at") + Value(timedelta)`` works on SQLite only through a Python function that Django registers
on the connection (``django_format_dtdelta``): called once per compared row, it dominates queries
that compare a moment with another moment shifted by a window (a correlated ``EXISTS`` over tens
of thousands of dossiers spent 3 s in it on the demo). :class:`Shifted` writes the same shift in
each database's own SQL, so the comparison stays inside the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateTimeField, Func


class Shifted(Func):
    """``expression`` moved by ``delta`` (whole seconds), as a timestamp both databases compare.

    SQLite stores Django's datetimes as text in UTC, ``YYYY-MM-DD HH:MM:SS`` with ``.ffffff`` only
    when the fraction is not zero. ``strftime`` shifts natively and writes milliseconds; trailing
    zeros and a bare point are trimmed so that a whole second compares equal to its stored form
    (``… 10:00:00``, not ``… 10:00:00.000``). Fractions compare to the millisecond. PostgreSQL
    adds an interval.
    """

    output_field = DateTimeField()

    def __init__(self, expression: Any, delta: dt.timedelta) -> None:
        seconds = delta.total_seconds()
        if seconds != int(seconds):
            raise ValueError("Shifted takes whole seconds")
        self.seconds = int(seconds)
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        shifted = f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {sql}, %s)"
        return f"rtrim(rtrim({shifted}, '0'), '.')", [*params, f"{self.seconds:+d} seconds"]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + (%s * INTERVAL '1 second'))", [*params, self.seconds]
