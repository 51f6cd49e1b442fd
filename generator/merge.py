"""Merge one file three ways (recorded render, the user's file, the new render) with merge3.

merge3 is Breezy's diff3 (the algorithm behind `bzr merge`), pure Python: the same result on every
machine, with or without git. Conflicts are written with git's standard markers, so editors, `git
diff --check` and merge tools recognise them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from merge3 import Merge3

YOURS = "<<<<<<< yours"
SEPARATOR = "======="
THEIRS = ">>>>>>> new render (tfbg update)"


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int


def merge(base: str, yours: str, theirs: str) -> Merged:
    """Changes from base to yours and from base to theirs, combined; overlapping changes that
    differ become conflict blocks."""
    base_lines, your_lines, their_lines = (t.splitlines(keepends=True) for t in (base, yours, theirs))
    out: list[str] = []
    conflicts = 0
    for region in Merge3(base_lines, your_lines, their_lines).merge_regions():
        kind = region[0]
        if kind == "unchanged":
            out += base_lines[region[1] : region[2]]
        elif kind in ("a", "same"):
            out += your_lines[region[1] : region[2]]
        elif kind == "b":
            out += their_lines[region[1] : region[2]]
        else:  # ("conflict", base_start, base_end, a_start, a_end, b_start, b_end)
            conflicts += 1
            _, _, _, a_start, a_end, b_start, b_end = region
            out += _conflict(your_lines[a_start:a_end], their_lines[b_start:b_end])
    return Merged("".join(out), conflicts)


def merge_without_base(yours: str, theirs: str) -> Merged:
    """When the recorded render cannot be rebuilt (the templates changed since), nothing tells whose
    change a difference is: every differing region is a conflict, every common line is kept."""
    your_lines, their_lines = yours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    out: list[str] = []
    conflicts = 0
    matcher = difflib.SequenceMatcher(None, your_lines, their_lines, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            out += your_lines[a_start:a_end]
        else:
            conflicts += 1
            out += _conflict(your_lines[a_start:a_end], their_lines[b_start:b_end])
    return Merged("".join(out), conflicts)


def _conflict(yours: list[str], theirs: list[str]) -> list[str]:
    return [YOURS + "\n", *_terminated(yours), SEPARATOR + "\n", *_terminated(theirs), THEIRS + "\n"]


def _terminated(lines: list[str]) -> list[str]:
    """A last line without a newline would run into the marker after it."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
