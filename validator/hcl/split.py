"""Find the top-level blocks of a .tf file's text without parsing them.

Why: Lark parses one top-level block at a time about twice as fast as a whole file (the body rule's
repetition copies its growing list of children at each step, so a file's parse cost grows faster
than its size), and a block parsed on its own can be parsed when it is needed rather than when the
file is read (validator/hcl/module.py keeps resource blocks unparsed until they are evaluated, so
the syntax trees of a whole monorepo are never in memory at once).

The scanner knows just enough HCL to find where each top-level block ends: quoted strings with
escapes and `${...}`/`%{...}` templates (which nest expressions, strings and braces), heredocs
(the grammar's own pattern), comments and braces. It never decides what a file means: whatever
it is unsure of (a top-level attribute, a comment inside a header, an escaped label, an
unterminated string) makes it return None and the caller parses the whole file as before. A slice
it returns is then parsed by the same grammar, which must find exactly the block the scanner saw
(module.py and parse.py check it), so a scanner mistake costs time, never a different tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Between top-level blocks: whitespace and comments only (the grammar's NL_OR_COMMENT and %ignore).
_GAP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*(?:\n|\Z)|//[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)
# A block header on one line, as the grammar allows it: a name, labels (names or quoted strings
# without escapes or templates), then the opening brace, possibly on a following line. A bare label
# must follow a space: two names side by side would be one name, and letting the pattern try every
# way to cut a name in two made a top-level `long_attribute_name = 1` (every .tfvars file) take
# exponential time to reject.
_NAME = r"[a-zA-Z_][a-zA-Z0-9_-]*"
_HEADER = re.compile(
    rf'({_NAME})((?:[ \t\r]+{_NAME}|[ \t\r]*"[^"\\\n$%]*")*)[ \t\r]*(?:\n[ \t\r\n]*)?\{{'
)
_LABEL = re.compile(rf'"([^"\\\n$%]*)"|({_NAME})')
# Inside a block: the characters that can open or close something the scanner must skip.
_CODE_EVENT = re.compile(r'["{}#/<\\]')
_STRING_EVENT = re.compile(r'["\\$%]')
_PLAIN_STRING = re.compile(r'"[^"\\$%]*"')
# The grammar's heredoc terminals (hcl2.lark: HEREDOC_TEMPLATE, HEREDOC_TEMPLATE_TRIM), anchored at `<<`.
_HEREDOC = re.compile(r"<<-?(?P<marker>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=marker)\r?\n")
# The grammar's TEMPLATE_STRING: \"...\" inside a template directive.
_TEMPLATE_STRING = re.compile(r'\\"(?:[^"\\]|\\.)*\\"')


@dataclass(frozen=True, slots=True)
class TopBlock:
    type: str
    labels: tuple[str, ...]
    start: int  # index of the block type's first character
    end: int  # index just after its closing brace
    line: int  # 1-based line of `start`


class _Unsure(Exception):
    """The scanner cannot vouch for this text: parse the whole file instead."""


def split_blocks(text: str) -> list[TopBlock] | None:
    """The file's top-level blocks in order, or None when the file is not only blocks, comments
    and whitespace as far as the scanner can tell (the caller then parses the whole file)."""
    blocks: list[TopBlock] = []
    position, line, length = 0, 1, len(text)
    try:
        while True:
            gap_end = _GAP.match(text, position).end()  # type: ignore[union-attr] (matches empty)
            line += text.count("\n", position, gap_end)
            position = gap_end
            if position >= length:
                return blocks
            header = _HEADER.match(text, position)
            if header is None:
                return None
            end = _skip_code(text, header.end())
            labels = tuple(m.group(1) if m.group(1) is not None else m.group(2) for m in _LABEL.finditer(header.group(2)))
            blocks.append(TopBlock(header.group(1), labels, position, end, line))
            line += text.count("\n", position, end)
            position = end
    except (_Unsure, RecursionError):
        return None


def _skip_code(text: str, position: int) -> int:
    """Index just after the `}` that closes the braces opened just before `position` (a block body,
    or a `${`/`%{` template): strings, heredocs and comments on the way are skipped whole."""
    depth = 0
    while True:
        position = _next_event(_CODE_EVENT, text, position)
        char = text[position]
        if char == '"':
            plain = _PLAIN_STRING.match(text, position)
            position = plain.end() if plain else _skip_string(text, position + 1)
        elif char == "{":
            depth += 1
            position += 1
        elif char == "}":
            if depth == 0:
                return position + 1
            depth -= 1
            position += 1
        elif char == "#" or text.startswith("//", position):
            newline = text.find("\n", position)
            if newline < 0:
                raise _Unsure
            position = newline + 1
        elif text.startswith("/*", position):
            close = text.find("*/", position + 2)
            if close < 0:
                raise _Unsure
            position = close + 2
        elif text.startswith("<<", position):
            heredoc = _HEREDOC.match(text, position)
            if heredoc is None:
                raise _Unsure
            position = heredoc.end()
        elif char == "\\":
            escaped = _TEMPLATE_STRING.match(text, position)
            position = escaped.end() if escaped else position + 1
        else:  # a division or a comparison
            position += 1


def _skip_string(text: str, position: int) -> int:
    """Index just after the closing quote of a string whose content starts at `position`."""
    while True:
        position = _next_event(_STRING_EVENT, text, position)
        char = text[position]
        if char == '"':
            return position + 1
        if char == "\\":
            position += 2
        elif text.startswith(("$${", "%%{"), position):
            # The grammar's ESCAPED_INTERPOLATION/ESCAPED_DIRECTIVE: up to the first `}`.
            close = text.find("}", position + 3)
            if close < 0:
                raise _Unsure
            position = close + 1
        elif text.startswith(("${", "%{"), position):
            position = _skip_code(text, position + 2)
        else:
            position += 1


def _next_event(pattern: re.Pattern[str], text: str, position: int) -> int:
    """Where the next character `pattern` looks for is; the text ending first is not HCL we vouch for."""
    event = pattern.search(text, position)
    if event is None:
        raise _Unsure
    return event.start()
