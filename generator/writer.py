"""Write a rendered module all-or-nothing, and never delete or overwrite a file tfbg did not write.

A new directory is staged beside the target and renamed into place. An existing directory (empty,
or a module tfbg wrote, replaced with --force or changed by `tfbg update`) keeps its inode and mode:
the new files are staged inside it, the old ones move aside into the staging directory, and if any
step fails every move is undone.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from generator.errors import UserError
from generator.render import ANSWERS_FILE, sha256

STAGING_PREFIX = ".tfbg-staging-"


def check_target(out: Path, *, force: bool) -> None:
    """Refuse before rendering anything: a path below a file, an existing file, a directory tfbg must
    never replace, a non-empty directory without --force, or (with --force) anything tfbg did not write."""
    try:
        _check_target(out, force=force)
    except OSError as error:  # an unreadable directory or file on the way
        raise UserError(describe(out, error)) from None


def _check_target(out: Path, *, force: bool) -> None:
    _check_ancestors(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a directory")
    non_empty = out.is_dir() and any(out.iterdir())
    if non_empty or force:
        reason = protected_reason(out)
        if reason is not None:
            raise UserError(f"{out}: {reason}; tfbg never replaces it (choose a new or empty --out directory)")
    if non_empty:
        if not force:
            if not (out / ANSWERS_FILE).is_file():  # not a module tfbg wrote: --force would refuse it too
                raise UserError(f"{out}: directory exists and is not empty (choose a new or empty directory)")
            raise UserError(
                f"{out}: directory exists and is not empty (--force replaces a module tfbg wrote; "
                f"'tfbg update {out}' re-renders it keeping local edits)"
            )
        check_only_ours(out)
    _check_writable(out)


def protected_reason(out: Path) -> str | None:
    """Why `out` is a directory that --force must never replace, or None."""
    resolved = out.resolve()
    if resolved.parent == resolved:
        return "is a filesystem root"
    cwd = Path(os.path.realpath(os.curdir))
    if resolved == cwd:
        return "is the current directory"
    if resolved in cwd.parents:
        return "contains the current directory"
    home = Path(os.path.realpath(os.path.expanduser("~")))
    if resolved == home or resolved in home.parents:
        return "is your home directory" if resolved == home else "contains your home directory"
    if os.path.lexists(resolved / ".git"):
        return "holds a .git entry (a repository's top level)"
    return None


def recorded_hashes(out: Path) -> dict[str, str] | None:
    """The `files` map of `out/.tfbg-answers.json` (path -> "sha256:..."), or None when unreadable."""
    try:
        record = json.loads((out / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return files


def check_only_ours(out: Path) -> None:
    """--force replaces a directory only when everything in it is a file tfbg wrote, unchanged."""
    recorded = recorded_hashes(out)
    if recorded is None:
        raise UserError(
            f"{out}: not a module tfbg wrote (no readable {ANSWERS_FILE}); --force replaces only what tfbg wrote"
        )
    foreign: list[str] = []
    edited: list[str] = []
    recorded_directories = {parent.as_posix() for name in recorded for parent in Path(name).parents}
    for relative, path in walk(out):
        if relative == ANSWERS_FILE:
            continue
        if relative not in recorded or (path.is_dir() and not path.is_symlink()):
            name = _foreign_name(relative, recorded_directories, path.is_dir() and not path.is_symlink())
            if name not in foreign:
                foreign.append(name)
        elif not is_regular(path) or file_hash(path) != recorded[relative]:
            edited.append(relative)
    if foreign or edited:
        parts = []
        if foreign:
            parts.append("not written by tfbg: " + ", ".join(sorted(foreign)))
        if edited:
            parts.append("changed since tfbg wrote them: " + ", ".join(edited))
        raise UserError(
            f"{out}: --force replaces only files tfbg wrote and nobody changed; {'; '.join(parts)} "
            f"(nothing was changed; 'tfbg update {out}' keeps local edits)"
        )


def _foreign_name(relative: str, recorded_directories: set[str], is_directory: bool) -> str:
    """The outermost directory of `relative` that tfbg did not write (".terraform/"), or the file."""
    parts = relative.split("/")
    for depth in range(1, len(parts) + (1 if is_directory else 0)):
        prefix = "/".join(parts[:depth])
        if prefix not in recorded_directories:
            return prefix + "/"
    return relative


def walk(root: Path) -> Iterable[tuple[str, Path]]:
    """Every file, symlink or other entry under `root` (posix relative path, path), and every empty
    directory; symlinks are not followed."""
    for directory, dirs, files in os.walk(root, followlinks=False):
        base = Path(directory)
        for name in [*files, *(d for d in dirs if (base / d).is_symlink())]:
            path = base / name
            yield path.relative_to(root).as_posix(), path
        if not dirs and not files and base != root:
            yield base.relative_to(root).as_posix(), base


def is_regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def file_hash(path: Path) -> str:
    return f"sha256:{sha256(path.read_bytes())}"


def _check_ancestors(out: Path) -> None:
    for ancestor in reversed(out.parents):
        if ancestor.exists() and not ancestor.is_dir():
            raise UserError(f"{ancestor}: not a directory (--out {out} would have to be inside it)")


def _check_writable(out: Path) -> None:
    existing = next(p for p in (out, *out.parents) if p.exists() or p == Path(p.anchor))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"{existing}: permission denied (tfbg cannot create files there)")


def write_module(out: Path, files: dict[str, bytes], *, force: bool) -> None:
    check_target(out, force=force)
    try:
        if out.is_dir():
            old = recorded_hashes(out) or {}
            replace_files(out, files, removes=[path for path in old if path not in files])
        else:
            _write_new_directory(out.resolve(), files)
    except OSError as error:
        raise UserError(describe(out, error)) from None


def describe(out: Path, error: OSError) -> str:
    if error.errno in (13, 1) and error.filename:  # EACCES, EPERM: name the path
        return f"{error.filename}: permission denied"
    return f"{out}: cannot write the module ({error.strerror})"


def _write_new_directory(out: Path, files: dict[str, bytes]) -> None:
    created = _first_missing_ancestor(out.parent)
    staging = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tfbg-", dir=out.parent))
        _write_tree(staging, files)
        os.chmod(staging, 0o755)  # mkdtemp creates 0700
        os.rename(staging, out)
    except OSError:
        if created is not None:  # parent directories made for this module go too: nothing half-written
            shutil.rmtree(created, ignore_errors=True)
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _first_missing_ancestor(directory: Path) -> Path | None:
    missing = None
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return missing
        missing = candidate
    return missing


def replace_files(out: Path, writes: dict[str, bytes], *, removes: Iterable[str] = ()) -> None:
    """Inside the existing directory `out`, put `writes` in place and delete `removes`: all or nothing.

    Only regular files (or nothing) may stand at those paths, and no directory on the way may be a
    symlink: tfbg never writes through a link to somewhere outside the module."""
    removes = [path for path in removes if os.path.lexists(out / path)]
    _check_writable(out)
    _refuse_unsafe_paths(out, [*writes, *removes])
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    undo: list[Callable[[], None]] = []
    try:
        _write_tree(staging / "new", writes)
        for relative in [*writes, *removes]:
            target = out / relative
            if os.path.lexists(target):
                aside = staging / "old" / relative
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, aside)
                undo.append(lambda target=target, aside=aside: os.rename(aside, target))
        for relative in writes:
            target = out / relative
            for directory in _make_parents(out, target.parent):
                undo.append(lambda directory=directory: os.rmdir(directory))
            os.rename(staging / "new" / relative, target)
            undo.append(lambda target=target: os.unlink(target))
    except OSError:
        for action in reversed(undo):
            try:
                action()
            except OSError:
                pass
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _remove_emptied_directories(out, removes)


def _refuse_unsafe_paths(out: Path, relatives: list[str]) -> None:
    for relative in relatives:
        target = out / relative
        for parent in reversed(target.relative_to(out).parents):
            directory = out / parent
            if parent != Path(".") and (directory.is_symlink() or (directory.exists() and not directory.is_dir())):
                raise UserError(f"{directory}: is a symlink or a file where tfbg writes a directory; nothing was changed")
        if os.path.lexists(target) and not is_regular(target):
            raise UserError(f"{target}: is not a regular file; tfbg replaces only files it wrote; nothing was changed")


def _make_parents(out: Path, directory: Path) -> list[Path]:
    """mkdir -p inside `out`; return the directories created, outermost first."""
    missing = []
    while directory != out and not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _remove_emptied_directories(out: Path, removed: Iterable[str]) -> None:
    """Directories that held only removed files (hook/ when hooks are dropped) go too."""
    for relative in removed:
        for parent in Path(relative).parents:
            if parent == Path("."):
                break
            try:
                (out / parent).rmdir()
            except OSError:
                break
