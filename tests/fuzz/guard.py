"""What every fuzz property checks: no uncaught exception, no hang, nothing written outside the target."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
SECONDS = 20  # far above any single example's run time; a loop or a blocking read trips it


class Hang(Exception):
    pass


def within_time(action: Callable[[], T], seconds: int = SECONDS) -> T:
    def expired(signum, frame):
        raise Hang(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        return action()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes() if path.is_file() and not path.is_symlink() else None)
        for path in sorted(root.rglob("*"))
    }


def check_cli_result(result) -> None:
    """A tfbg command ends with an exit code of its contract, never with a Python exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2 and result.stderr:
        assert result.stderr.startswith("tfbg: error: "), result.stderr
