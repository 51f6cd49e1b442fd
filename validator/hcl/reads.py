"""Every look at the file system the HCL loader makes goes through here (read a file, list a
directory, ask whether a path is a file or a directory), so that a run can record what its result
depends on: the result cache (validator/result_cache.py) replays these reads before it trusts an
entry. tests/validator/test_result_cache.py fails when the loader reads the disk another way.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from contextvars import ContextVar
from typing import Iterator

# (kind, path, what was seen): kinds "text" (sha256 of the bytes, or the error's class name),
# "list" (sorted names, or None), "isfile"/"isdir" (bool).
Read = tuple[str, str, object]
_recording: ContextVar[list[Read] | None] = ContextVar("tfbg_reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[Read]]:
    reads: list[Read] = []
    token = _recording.set(reads)
    try:
        yield reads
    finally:
        _recording.reset(token)


def active() -> bool:
    """Is a recording on?"""
    return _recording.get() is not None


def recorded_so_far() -> int:
    """How many reads the current recording holds (0 when none is on)."""
    reads = _recording.get()
    return len(reads) if reads is not None else 0


def recorded_since(mark: int) -> list[Read]:
    """The reads recorded after recorded_so_far() returned `mark` (a worker sends them back)."""
    reads = _recording.get()
    return reads[mark:] if reads is not None else []


def record_all(more: list[Read]) -> None:
    """Reads another process made for this run (validator/loaders/parallel.py)."""
    reads = _recording.get()
    if reads is not None:
        reads.extend(more)


def _record(kind: str, path: str, seen: object) -> None:
    reads = _recording.get()
    if reads is not None:
        reads.append((kind, os.path.abspath(path), seen))


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def read_text(path: str, limit: int | None = None) -> str:
    """A text file as Terraform reads it: UTF-8, a byte order mark dropped. Raises OSError,
    UnicodeDecodeError (with the bytes in `error.object`) and TooLarge (above `limit` bytes: not read)."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if limit is not None and size > limit:
                _record("text", path, f"too large: {size}")
                raise TooLarge(size)
            data = handle.read()
    except OSError as error:
        _record("text", path, type(error).__name__)
        raise
    _record("text", path, hashlib.sha256(data).hexdigest())
    # Universal newlines, as open() in text mode gives them (the loader's lines count "\n").
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def listdir(directory: str) -> list[str]:
    """Sorted names in a directory. Raises OSError."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        _record("list", directory, None)
        raise
    _record("list", directory, names)
    return names


def isfile(path: str) -> bool:
    found = os.path.isfile(path)
    _record("isfile", path, found)
    return found


def isdir(path: str) -> bool:
    found = os.path.isdir(path)
    _record("isdir", path, found)
    return found


def _not_a_file(path: str) -> str | None:
    try:
        info = os.stat(path)
    except OSError as error:
        if not os.path.lexists(path):
            return None  # nothing there: the callers' own checks say so
        if error.errno == errno.ELOOP:
            return "a symlink loop"
        if os.path.islink(path):
            return f"a symlink to {os.readlink(path)!r}, which does not exist"
        return f"unreadable ({error.strerror})"
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else (
        "a socket" if stat.S_ISSOCK(info.st_mode) else "a device file"
    )
    return f"a symlink to {kind}" if os.path.islink(path) else kind


def not_a_file(path: str) -> str | None:
    """What stands at `path` when something does that is not a regular file tfbg can read (said in a
    diagnostic): a FIFO, a socket, a device, a dangling or looping symlink. None for a regular file, a
    directory (Terraform skips those too) or nothing at all. Never opens it: a FIFO would block the
    read forever."""
    found = _not_a_file(path)
    _record("kind", path, found)
    return found


def is_record(value: object) -> bool:
    """Does an unpickled value have the shape of a list of reads? (a cache entry is checked first)"""
    return isinstance(value, list) and all(isinstance(r, tuple) and len(r) == 3 for r in value)


def unchanged(reads: list[Read]) -> bool:
    """Would the same reads see the same today?"""
    for kind, path, seen in reads:
        if kind == "text":
            try:
                with open(path, "rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    too_large = isinstance(seen, str) and seen.startswith("too large: ")
                    now: object = f"too large: {size}" if too_large else hashlib.sha256(handle.read()).hexdigest()
            except OSError as error:
                now = type(error).__name__
        elif kind == "list":
            try:
                now = sorted(os.listdir(path))
            except OSError:
                now = None
        elif kind == "isfile":
            now = os.path.isfile(path)
        elif kind == "isdir":
            now = os.path.isdir(path)
        elif kind == "kind":
            now = _not_a_file(path)
        else:
            return False
        if now != seen:
            return False
    return True
