"""A one-line progress display on a terminal (files read, resources evaluated, roots linted) for
runs longer than a second. Resource blocks are parsed when evaluated (validator/hcl/module.py), so in
a large root module the files are all read early and the resource count is what moves. Nothing is
drawn when standard error is not a terminal, in CI, or for machine-readable formats (the caller
decides), and the line is erased before the report is written.

Worker processes (forked by `--jobs`: one per target, or one per share of a large directory) never
draw: they count into a Tally, memory shared with the parent, whose line shows the sum. Without it
each worker drew its own line over the parent's, and the counts on screen jumped between processes.
"""

from __future__ import annotations

import mmap
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
        self.tally: Tally | None = None

    def share(self, slots: int) -> Tally | None:
        """A tally for `slots` workers to be forked next (None when nothing is drawn)."""
        if not self.enabled:
            return None
        if self.tally is not None:  # an earlier set of workers: keep what they counted
            files, resources = self.tally.totals()
            self.files += files
            self.resources += resources
        self.tally = Tally(slots)
        return self.tally

    def tick(self) -> None:
        """Redraw if due: called while the parent waits for its workers."""
        self._draw()

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
        files, resources = self.tally.totals() if self.tally is not None else (0, 0)
        files += self.files
        resources += self.resources
        files = f", {files} files read" if files else ""
        resources = f", {resources} resources evaluated" if resources else ""
        sys.stderr.write(f"\r\033[Ktfbg: {self.done}/{self.roots} linted{files}{resources} ({now - self.start:.0f} s)")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.drawn = False


class Tally:
    """Two counters (files, resources) per worker in an anonymous shared mapping: a fork inherits it,
    so what a worker writes the parent reads, with no pipe or lock (each slot has one writer)."""

    def __init__(self, slots: int):
        self.memory = mmap.mmap(-1, 16 * max(slots, 1))
        self.counts = memoryview(self.memory).cast("q")

    def totals(self) -> tuple[int, int]:
        return sum(self.counts[0::2]), sum(self.counts[1::2])

    def clear(self, slot: int) -> None:
        """Forget what a worker counted (its share is evaluated again here)."""
        self.counts[2 * slot] = self.counts[2 * slot + 1] = 0


class WorkerCounts:
    """What `progress` counts into inside a worker: its slot of the parent's Tally; it never draws."""

    def __init__(self, tally: Tally, slot: int):
        self.tally, self.slot = tally, slot

    def file_parsed(self) -> None:
        self.tally.counts[2 * self.slot] += 1

    def resource_evaluated(self) -> None:
        self.tally.counts[2 * self.slot + 1] += 1


_current: Progress | WorkerCounts | None = None


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


def share(slots: int) -> Tally | None:
    """In the parent, before forking `slots` workers: the tally they count into, or None."""
    return _current.share(slots) if isinstance(_current, Progress) else None


def tick() -> None:
    if isinstance(_current, Progress):
        _current.tick()


def count_into(tally: Tally | None, slot: int) -> None:
    """In a forked worker: count into `slot` of the tally the parent shared (None: count nothing);
    either way the worker draws nothing."""
    global _current
    _current = WorkerCounts(tally, slot) if tally is not None else None
