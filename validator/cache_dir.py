"""Where tfbg keeps what it can rebuild (parser tables, results, evaluated declarations): the user's
cache directory.

$XDG_CACHE_HOME/tfbg (default ~/.cache/tfbg), or, when that cannot be created or written (a read-only
home in a container, a CI user without one), a private directory under the system's temporary
directory. A directory that another user owns or can write is never used: what is read from it is
unpickled, so only the user running tfbg may have written it. None when no directory qualifies;
then nothing is cached and every run parses everything, as with --no-cache.
"""

from __future__ import annotations

import functools
import os
import pickle
import stat
import tempfile


@functools.lru_cache(maxsize=None)
def cache_directory() -> str | None:
    for candidate in _candidates():
        if _usable(candidate):
            return candidate
    return None


def _candidates() -> list[str]:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid and ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return [os.path.join(base, "tfbg"), os.path.join(tempfile.gettempdir(), f"tfbg-cache-{uid}")]


def _usable(directory: str) -> bool:
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.lstat(directory)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    return os.access(directory, os.W_OK | os.X_OK)


# -- entries: one pickled file per key in a named subdirectory, written whole or not at all ----------

# Kept per subdirectory: the newest entries up to both limits; older ones are removed (only files
# tfbg wrote: 64 hexadecimal characters). A monorepo linted with -r keeps a result per root and the
# evaluated declarations of each root's files.
KEEP_ENTRIES = 16384
KEEP_BYTES = {"results": 64 << 20, "declarations": 512 << 20}


def entry_directory(kind: str) -> str | None:
    base = cache_directory()
    if base is None:
        return None
    directory = os.path.join(base, kind)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return directory


def read_entry(kind: str, key: str) -> object | None:
    """The unpickled entry, or None when it is missing or cannot be read (the caller checks its shape)."""
    directory = entry_directory(kind)
    if directory is None:
        return None
    try:
        with open(os.path.join(directory, key), "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, truncated, corrupted, of another version: not trusted
        return None


def write_entry(kind: str, key: str, entry: object) -> None:
    """Written to a temporary file and renamed into place: a concurrent run never reads half of one."""
    directory = entry_directory(kind)
    if directory is None:
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".entry.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(entry, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, os.path.join(directory, key))
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return  # a full disk or a read-only cache: the run's result stands, it is just not kept


def prune() -> None:
    """Remove the oldest entries beyond the limits: once per run (`tfbg lint -r` over hundreds of
    roots writes hundreds of entries; a scan of the directory after each would cost more than the run)."""
    for kind, budget in KEEP_BYTES.items():
        directory = entry_directory(kind)
        if directory is not None:
            _prune(directory, budget)


def _prune(directory: str, budget: int) -> None:
    try:
        entries = [(e, e.stat()) for e in os.scandir(directory) if len(e.name) == 64 and _hexadecimal(e.name) and e.is_file()]
        entries.sort(key=lambda pair: pair[1].st_mtime, reverse=True)
        total = 0
        for index, (entry, info) in enumerate(entries):
            total += info.st_size
            if index >= KEEP_ENTRIES or (index > 0 and total > budget):
                os.unlink(entry.path)
    except OSError:
        pass


def _hexadecimal(name: str) -> bool:
    return all(c in "0123456789abcdef" for c in name)
