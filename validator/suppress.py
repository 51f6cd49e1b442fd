"""Inline suppressions: `# tfbg:ignore TFBG101 reason` on the line directly above a block or attribute.

The comment suppresses the named rules' findings located inside that block or attribute (its first
to last line). Several ignore comments may be stacked above one element; one comment may name
several rules (`TFBG101,TFBG102`). An ignore without a reason suppresses nothing and is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable

from validator.hcl.module import read_text
from validator.hcl.parse import Block, ParseFailure, parse_text

MARKER = "tfbg:ignore"
_COMMENT = re.compile(r"^\s*(?:#|//)\s*tfbg:ignore\b(?P<rest>.*)$")
_IDS = re.compile(r"^\s*(?P<ids>[A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)(?P<reason>.*)$")
_RULE_ID = re.compile(r"^TFBG\d{3}$")


@dataclass(frozen=True)
class Ignore:
    file: str
    line: int  # the comment's line
    rule_ids: tuple[str, ...]
    reason: str
    start: int | None  # the suppressed element's first and last line (None: nothing below it)
    end: int | None

    def covers(self, rule_id: str, file: str, line: int | None) -> bool:
        return (
            bool(self.reason)
            and self.start is not None
            and line is not None
            and rule_id in self.rule_ids
            and _same_file(file, self.file)
            and self.start <= line <= self.end  # type: ignore[operator]
        )


@dataclass(frozen=True)
class Malformed:
    """An ignore comment that cannot take effect (no reason, no rule id, nothing below it)."""

    file: str
    line: int
    problem: str


def _same_file(a: str, b: str) -> bool:
    return a == b or os.path.abspath(a) == os.path.abspath(b)


def scan_files(files: Iterable[str]) -> tuple[list[Ignore], list[Malformed]]:
    ignores: list[Ignore] = []
    malformed: list[Malformed] = []
    for file in files:
        if not file.endswith(".tf"):
            continue  # plan JSON and var files carry no suppressions
        try:
            text = read_text(file)
        except (OSError, UnicodeDecodeError):
            continue
        if MARKER not in text:
            continue  # the common case: no second parse
        found, problems = scan_text(text, file)
        ignores.extend(found)
        malformed.extend(problems)
    return ignores, malformed


def scan_text(text: str, file: str) -> tuple[list[Ignore], list[Malformed]]:
    lines = text.split("\n")
    spans = _element_spans(text, file)
    ignores: list[Ignore] = []
    malformed: list[Malformed] = []
    for index, line in enumerate(lines):
        match = _COMMENT.match(line)
        if not match:
            continue
        number = index + 1
        ids_match = _IDS.match(match.group("rest"))
        rule_ids = tuple(i.strip() for i in ids_match.group("ids").split(",")) if ids_match else ()
        if not rule_ids or not all(_RULE_ID.match(i) for i in rule_ids):
            malformed.append(Malformed(file, number, "names no rule id (write `# tfbg:ignore TFBG### reason`)"))
            continue
        reason = ids_match.group("reason").strip().lstrip(":-–—").strip()  # type: ignore[union-attr]
        target = _target_line(lines, index)
        start_end = spans.get(target) if target is not None else None
        if not reason:
            malformed.append(
                Malformed(file, number, f"ignores {', '.join(rule_ids)} without a reason: it suppresses nothing until it gives one")
            )
        elif start_end is None:
            malformed.append(Malformed(file, number, "is not directly above a block or attribute"))
        elif _RULE_ID.match(reason.split()[0].rstrip(",")):
            # `TFBG701 TFBG120 why`: the second id would silently be part of the reason.
            second = reason.split()[0].rstrip(",")
            malformed.append(Malformed(
                file, number, f"reads {second} as the start of the reason, not as a rule id: separate rule ids "
                f"with commas (`# tfbg:ignore {','.join(rule_ids)},{second} reason`)",
            ))
        start, end = start_end if start_end else (None, None)
        ignores.append(Ignore(file, number, rule_ids, reason, start, end))
    return ignores, malformed


def _target_line(lines: list[str], comment_index: int) -> int | None:
    """The 1-based line of the element below a run of comment lines starting at comment_index."""
    index = comment_index + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped.startswith("#") or stripped.startswith("//"):
            index += 1
            continue
        return index + 1 if stripped else None  # a blank line breaks "directly above"
    return None


def _element_spans(text: str, file: str) -> dict[int, tuple[int, int]]:
    """First line -> (first, last line) of every block and attribute; the outermost wins a line."""
    try:
        root = parse_text(text, file)
    except ParseFailure:
        return {}
    spans: dict[int, tuple[int, int]] = {}

    def visit(block: Block) -> None:
        for attribute in block.attributes.values():
            _widen(spans, attribute.line, attribute.end_line)
        for nested in block.blocks:
            _widen(spans, nested.line, nested.end_line)
            visit(nested)

    visit(root)
    return spans


def _widen(spans: dict[int, tuple[int, int]], start: int, end: int) -> None:
    current = spans.get(start)
    if current is None or end > current[1]:
        spans[start] = (start, end)
