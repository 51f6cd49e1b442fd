"""`tfbg update`: re-render a module and keep its local edits (the plan; update_cli.py runs it).

Per file, three versions: the recorded render (base), the user's file (yours) and the new render
(theirs). The base is rebuilt from the recorded answers with the installed templates and the
recorded tfbg version; it is trusted only where its hash equals the hash recorded at render time
(the templates may have changed since). A file whose hash is the recorded one was never edited.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.answers import Answers
from generator.errors import UserError
from generator.merge import THEIRS, YOURS, Merged, merge, merge_without_base
from generator.render import ANSWERS_FILE, TemplateKind, render, sha256
from generator.writer import is_regular


@dataclass(frozen=True)
class Record:
    """What `.tfbg-answers.json` says about the render in a directory."""

    tfbg_version: str | None
    template_version: int | None
    hashes: dict[str, str]


def read_record(directory: Path) -> Record:
    path = directory / ANSWERS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        data = None  # load_answers_file has already named what is wrong with it
    if not isinstance(data, dict):
        data = {}
    hashes = data.get("files")
    if not isinstance(hashes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in hashes.items()):
        raise UserError(f"{path}: no \"files\" object of hashes; it was not written by tfbg new")
    template = data.get("template") if isinstance(data.get("template"), dict) else {}
    version = data.get("tfbg_version")
    return Record(version if isinstance(version, str) else None, template.get("version"), hashes)


@dataclass
class Plan:
    """What an update does. `writes`/`removes` go to writer.replace_files; the rest is the report."""

    writes: dict[str, bytes] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=dict)  # path -> replaced | merged | added | removed
    conflicts: dict[str, str] = field(default_factory=dict)  # path -> why it needs the user

    def changed(self) -> bool:
        return bool(self.actions or self.conflicts)


def plan_update(directory: Path, record: Record, old: Answers, new: Answers) -> Plan:
    theirs = render(new)
    base = _base_render(record, old)
    plan = Plan()
    paths = sorted((set(theirs) | set(record.hashes)) - {ANSWERS_FILE})
    for relative in paths:
        _plan_file(plan, directory / relative, relative, record.hashes.get(relative), base.get(relative), theirs.get(relative))
    if plan.changed() or _read(directory / ANSWERS_FILE) != theirs[ANSWERS_FILE]:
        plan.writes[ANSWERS_FILE] = theirs[ANSWERS_FILE]
    return plan


def _base_render(record: Record, old: Answers) -> dict[str, bytes]:
    """The recorded render, file by file, where it can be rebuilt exactly (its hash proves it)."""
    if record.template_version != TemplateKind.load(old.controller).version:
        return {}
    rebuilt = render(old, tfbg_version=record.tfbg_version)
    return {path: data for path, data in rebuilt.items() if record.hashes.get(path) == f"sha256:{sha256(data)}"}


def _plan_file(plan: Plan, path: Path, relative: str, recorded: str | None, base: bytes | None, new: bytes | None) -> None:
    if os.path.lexists(path) and not is_regular(path):
        if new is not None:
            plan.conflicts[relative] = "not a regular file (a symlink or directory): left alone, new render not applied"
        return
    yours = _read(path)
    if yours is not None and has_conflict_markers(yours):
        raise UserError(f"{path}: has conflict markers from an earlier tfbg update; resolve them first (nothing was changed)")
    unedited = yours is not None and recorded == f"sha256:{sha256(yours)}"
    if new is None:  # the new render drops this file
        if yours is None:
            return
        if unedited:
            plan.removes.append(relative)
            plan.actions[relative] = "removed"
        else:
            plan.conflicts[relative] = "you edited it and the new render no longer has it: kept; delete it if it is not needed"
        return
    if yours is None:
        if recorded is None:
            plan.writes[relative] = new
            plan.actions[relative] = "added"
        elif base is None or base != new:
            plan.writes[relative] = new
            plan.conflicts[relative] = "you deleted it and the new render changes it: restored; delete it again if it is not needed"
        return  # deleted by the user and unchanged by the templates: stays deleted
    if yours == new:
        return
    if unedited:
        plan.writes[relative] = new
        plan.actions[relative] = "replaced"
        return
    merged = _merge(relative, base if recorded is not None else b"", yours, new)
    if merged is None:
        plan.conflicts[relative] = "not UTF-8 text: cannot merge; left alone, new render not applied"
        return
    if merged.text.encode("utf-8") == yours:
        return  # the new render changes nothing you had not already changed the same way
    plan.writes[relative] = merged.text.encode("utf-8")
    if merged.conflicts:
        if recorded is None:
            kind = "a file of yours stands where the new render adds one"
        elif base is None:
            kind = "the recorded render cannot be rebuilt (the templates changed since), so every difference is marked"
        else:
            kind = "you and the new render changed the same lines"
        plan.conflicts[relative] = f"{merged.conflicts} conflict(s): {kind}; resolve the <<<<<<< markers"
    else:
        plan.actions[relative] = "merged"


def _merge(relative: str, base: bytes | None, yours: bytes, new: bytes) -> Merged | None:
    try:
        your_text, new_text = yours.decode("utf-8"), new.decode("utf-8")
        if base is None:
            return merge_without_base(your_text, new_text)
        return merge(base.decode("utf-8"), your_text, new_text)
    except UnicodeDecodeError:
        return None


def has_conflict_markers(data: bytes) -> bool:
    lines = data.splitlines()
    return YOURS.encode() in lines and THEIRS.encode() in lines


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
