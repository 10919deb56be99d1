"""One progress bar for the long management commands (imports).

Drawn in place on the command's stderr with ``\\r``, and only when stderr is a terminal: a log file
or a CI run gets the final report, not hundreds of redrawn lines.
"""

from __future__ import annotations

import sys
from typing import Any

BAR_WIDTH = 30


class ProgressBar:
    """Callable as ``bar(done, total, label="")``; ``bar.close()`` clears the line."""

    def __init__(self, command: Any, *, enabled: bool = True) -> None:
        self._out = command.stderr
        stream = getattr(command.stderr, "_out", sys.stderr)
        self.enabled = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self._drawn = False

    def __call__(self, done: int, total: int, label: Any = "") -> None:
        if not self.enabled:
            return
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        name = getattr(label, "name", str(label or ""))[:40]
        self._out.write(f"\r[{bar}] {done}/{total} {name:<40}", ending="")
        self._out.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._out.write("\r" + " " * (BAR_WIDTH + 60) + "\r", ending="")
            self._drawn = False
