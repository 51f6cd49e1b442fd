"""A one-line progress display on a terminal (files read, resources evaluated, roots linted) for
runs longer than a second. Resource blocks are parsed when evaluated (validator/hcl/module.py), so in a
large root module the files are all read early and the resource count is what moves. Nothing is drawn when standard error is not a terminal, in CI, or for machine-readable
formats (the caller decides), and the line is erased before the report is written."""

from __future__ import annotations

import sys
import time

DELAY = 1.0  # seconds before anything is drawn: a quick run shows nothing
INTERVAL = 0.1


class Progress:
    def __init__(self, roots: int, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.roots = roots
        self.done = 0
        self.files = 0
        self.resources = 0
        self.start = time.monotonic()
        self.drawn_at = 0.0
        self.drawn = False

    def file_parsed(self) -> None:
        self.files += 1
        self._draw()

    def resource_evaluated(self) -> None:
        self.resources += 1
        if self.resources % 100 == 0:  # the clock is read every hundredth: this runs per resource
            self._draw()

    def root_done(self) -> None:
        self.done += 1
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < DELAY or now - self.drawn_at < INTERVAL:
            return
        self.drawn_at = now
        files = f", {self.files} files read" if self.files else ""
        resources = f", {self.resources} resources evaluated" if self.resources else ""
        sys.stderr.write(f"\r\033[Ktfbg: {self.done}/{self.roots} linted{files}{resources} ({now - self.start:.0f} s)")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.drawn = False


_current: Progress | None = None


def file_parsed() -> None:
    """Called by the loader for every file it read (and split into blocks)."""
    if _current is not None:
        _current.file_parsed()


def resource_evaluated() -> None:
    """Called by the loader for every resource instance it added to the model."""
    if _current is not None:
        _current.resource_evaluated()


def showing(progress: Progress | None) -> None:
    global _current
    _current = progress
