"""Worker processes (`--jobs`) count into the parent's progress line and never draw their own: one line
whose counts only grow, and whose totals are the serial run's."""

from __future__ import annotations

import io
import os
import re
import sys

import pytest

from bench.gen_services import write_root
from validator import progress
from validator.config import Config
from validator.loaders import parallel
from validator.targets import Target, lint_targets

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="workers are forked")

LINE = re.compile(r"tfbg: (\d+)/(\d+) linted(?:, (\d+) files read)?(?:, (\d+) resources evaluated)?")


class FakeTerminal(io.TextIOWrapper):
    """A file that says it is a terminal: what forked workers write lands in it too (one descriptor)."""

    def isatty(self) -> bool:
        return True


def _drawn(monkeypatch, tmp_path, targets: list[str], jobs: int) -> list[tuple[int, int, int]]:
    path = tmp_path / f"terminal-{jobs}"
    terminal = FakeTerminal(open(path, "ab", buffering=0), write_through=True)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY", 0)  # draw from the start, at every event
    monkeypatch.setattr(progress, "INTERVAL", 0)
    work = [Target(t, Config(), [], {}, None, use_cache=False) for t in targets]
    list(lint_targets(work, jobs, show_progress=True))
    terminal.close()
    return [(int(m[1]), int(m[3] or 0), int(m[4] or 0)) for m in LINE.finditer(path.read_text())]


def _never_down(lines: list[tuple[int, int, int]]) -> bool:
    return all(a <= b for before, after in zip(lines, lines[1:]) for a, b in zip(before, after))


def test_several_roots_one_line_whose_counts_only_grow(monkeypatch, tmp_path):
    roots = []
    for index in range(4):
        roots.append(tmp_path / f"team{index}")
        roots[-1].mkdir()
        write_root(roots[-1], 3)
    serial = _drawn(monkeypatch, tmp_path, [str(r) for r in roots], jobs=1)
    pooled = _drawn(monkeypatch, tmp_path, [str(r) for r in roots], jobs=2)
    assert serial and pooled
    # Before the tally each pool worker drew its own line ("0/4 linted" over "2/4 linted").
    assert _never_down(pooled), pooled
    assert pooled[-1] == serial[-1]  # 4/4 linted, every file and resource counted once


def test_one_root_divided_counts_each_resource_once(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "MIN_DECLARATIONS", 2)  # divide even this small root
    write_root(tmp_path, 6)
    serial = _drawn(monkeypatch, tmp_path, [str(tmp_path)], jobs=1)
    divided = _drawn(monkeypatch, tmp_path, [str(tmp_path)], jobs=2)
    assert _never_down(divided), divided
    assert divided[-1] == serial[-1]  # the worker's resources are not counted again when merged


def test_a_forked_worker_counts_into_the_parents_tally_and_draws_nothing(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(stream, "isatty", lambda: True, raising=False)
    display = progress.Progress(3, enabled=True)
    display.start -= 5
    progress.showing(display)
    try:
        display.file_parsed()
        tally = progress.share(2)
        before = stream.getvalue()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                progress.count_into(tally, 1)
                progress.file_parsed()
                for _ in range(250):
                    progress.resource_evaluated()
                code = 0 if stream.getvalue() == before else 3  # the worker drew nothing
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        display.drawn_at -= 1  # the next draw is due
        display.tick()
        assert stream.getvalue().endswith("tfbg: 0/3 linted, 2 files read, 250 resources evaluated (5 s)")
        tally.clear(1)  # a failed worker's share is evaluated again by the parent
        display.drawn_at -= 1
        display.tick()
        assert stream.getvalue().endswith("tfbg: 0/3 linted, 1 files read (5 s)")
    finally:
        progress.showing(None)
