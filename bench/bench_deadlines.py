"""Benchmark: deadlines from one calendar load versus one load per dossier.

Prints the ratio measured in one run (no absolute targets: machines differ). Run with
``.venv/bin/python bench/bench_deadlines.py [N]``; it builds its own throw-away SQLite database.
Why it matters: the demo history and imports compute tens of thousands of deadlines, and the
engine is pure precisely so that the calendar is read once per agency, not once per dossier.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="1",
            SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"),
            MINHBACH_ENV_FILE=str(Path(tmp) / "none.env"),
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from minhbach.core.workdays import engine
        from minhbach.core.workdays.calendar import compute_due, load_calendar
        from minhbach.core.workdays.seed import seed_years

        seed_years([2023, 2024, 2025])
        vn = ZoneInfo("Asia/Ho_Chi_Minh")
        start = dt.datetime(2023, 9, 1, 8, 0, tzinfo=vn)
        moments = [start + dt.timedelta(hours=7 * i) for i in range(n)]

        t0 = time.perf_counter()
        per_dossier = [compute_due(m, 5, "working_day").due_at for m in moments]
        t1 = time.perf_counter()
        cal = load_calendar(dt.date(2023, 9, 1), dt.date(2025, 12, 31))
        batched = [engine.due(m, 5, "working_day", cal).due_at for m in moments]
        t2 = time.perf_counter()

        if per_dossier != batched:
            raise SystemExit("both ways must give the same deadlines")
        print(f"{n} deadlines: a calendar load per dossier {t1 - t0:.3f} s, one load {t2 - t1:.3f} s")
        print(f"ratio per-dossier / batched: {(t1 - t0) / (t2 - t1):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
