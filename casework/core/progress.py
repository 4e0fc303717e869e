"""A plain progress bar for long commands: on a terminal it redraws in place, elsewhere it prints now and
then."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, *, total: int, label: str = "", stream=None, width: int = 30):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self._last_draw = 0.0
        self._started = time.monotonic()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __enter__(self):
        self._draw(force=True)
        return self

    def __exit__(self, *exc):
        self._draw(force=True)
        if self._tty:
            self.stream.write("\n")
        self.stream.flush()
        return False

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        interval = 0.1 if self._tty else 5.0
        if not force and now - self._last_draw < interval:
            return
        self._last_draw = now
        fraction = (self.done / self.total) if self.total else 1.0
        filled = int(self.width * min(fraction, 1.0))
        elapsed = now - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done:,}/{self.total:,} ({fraction:.0%}) {rate:,.0f}/s"
        )
        self.stream.write(("\r" + line) if self._tty else (line + "\n"))
        self.stream.flush()
