"""Write a rendered module all-or-nothing: into a temporary directory beside the target, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import UserError


def check_target(out: Path, *, force: bool) -> None:
    """Refuse before rendering anything: an existing file, or a non-empty directory without --force."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UserError(f"{out}: directory exists and is not empty (use --force to replace its contents)")


def write_module(out: Path, files: dict[str, bytes], *, force: bool) -> None:
    check_target(out, force=force)
    out = out.resolve()
    created = _first_missing_ancestor(out.parent)
    staging = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tfbg-", dir=out.parent))
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)  # mkdtemp creates 0700
        _swap_in(staging, out)
    except OSError as error:
        if created is not None:  # parent directories made for this module go too: nothing half-written
            shutil.rmtree(created, ignore_errors=True)
        raise UserError(f"{out}: cannot write the module ({error.strerror})") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _first_missing_ancestor(directory: Path) -> Path | None:
    missing = None
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return missing
        missing = candidate
    return missing


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging`. With --force the old directory moves aside first and is only
    deleted once the new one is in place; if the rename fails it is moved back."""
    if not out.exists():
        os.rename(staging, out)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.tfbg-old-", dir=staging.parent))
    backup.rmdir()
    os.rename(out, backup)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(backup, out)
        raise
    shutil.rmtree(backup, ignore_errors=True)
