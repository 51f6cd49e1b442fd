"""Where tfbg keeps what it can rebuild (parser tables, parsed files): the user's cache directory.

$XDG_CACHE_HOME/tfbg (default ~/.cache/tfbg), or, when that cannot be created or written (a read-only
home in a container, a CI user without one), a private directory under the system's temporary
directory. A directory that another user owns or can write is never used: what is read from it is
unpickled, so only the user running tfbg may have written it. None when no directory qualifies;
then nothing is cached and every run parses everything, as with --no-cache.
"""

from __future__ import annotations

import functools
import os
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
