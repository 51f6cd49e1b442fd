"""Parse a .tf file with python-hcl2 into a light tree of blocks and attributes.

We walk python-hcl2's raw Lark tree instead of its dict serialisation: the tree keeps every
expression as a syntax tree (no `${...}` strings to parse a second time) and every node's line.
Each file is parsed exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hcl2.api import parses_to_tree
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput


class ParseFailure(Exception):
    """The file is not valid HCL. `line` is 1-based (None when the parser cannot tell)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


@dataclass
class Attribute:
    name: str
    expr: Tree | Token
    line: int
    end_line: int
    file: str = ""
    # The whole file's text (shared): an attribute merged from an override file keeps its own.
    source: str = field(default="", repr=False)


@dataclass
class Block:
    type: str
    labels: list[str]
    file: str
    line: int
    end_line: int
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)
    # The whole file's text (shared, not copied): expression texts for messages are cut from it.
    source: str = field(default="", repr=False)

    def blocks_of(self, block_type: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == block_type]


def parse_text(text: str, file: str) -> Block:
    """The file's top-level body, as a Block of type "" (attributes are invalid at top level)."""
    try:
        tree = parses_to_tree(text)
    except UnexpectedInput as error:
        line = getattr(error, "line", None)
        opened = unterminated_string_line(text)
        if opened is not None and (not isinstance(line, int) or line < 1 or opened <= line):
            # The parser stumbles where the runaway string ends (often the end of file): point at its start.
            raise ParseFailure("unterminated string: the quoted string that opens on this line is not closed on it", opened) from None
        raise ParseFailure(_describe(error), line) from None
    except LarkError as error:  # grammar-level failures without a position
        raise ParseFailure(str(error).splitlines()[0], None) from None
    body = tree.children[0]
    root = Block("", [], file, 1, text.count("\n") + 1, source=text)
    _fill(root, body, file, text)
    return root


def _describe(error: UnexpectedInput) -> str:
    token = getattr(error, "token", None)
    if token is not None and token.type == "$END":
        return "unexpected end of file (a block or bracket is not closed)"
    if token is not None and str(token).strip():
        # A token can span lines ("= x\n  y"): quote only its first line, as the user wrote it.
        return f"unexpected {str(token).strip().splitlines()[0][:40]!r}"
    char = getattr(error, "char", None)
    if char:
        return f"unexpected character {char!r}"
    return "syntax error"


def _fill(block: Block, body: Tree, file: str, text: str) -> None:
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _name(child.children[0])
            expr = child.children[2]
            block.attributes[name] = Attribute(name, expr, child.meta.line, child.meta.end_line, file, text)
        elif child.data == "block":
            block.blocks.append(_block(child, file, text))


def _block(node: Tree, file: str, text: str) -> Block:
    labels: list[str] = []
    block_type = ""
    body = None
    for child in node.children:
        if isinstance(child, Tree):
            if child.data == "body":
                body = child
            elif child.data == "string":
                labels.append(string_literal(child))
            elif child.data in ("identifier", "keyword", "literal_value"):
                if not block_type:
                    block_type = _name(child)
                else:
                    labels.append(_name(child))
    block = Block(block_type, labels, file, node.meta.line, node.meta.end_line, source=text)
    if body is not None:
        _fill(block, body, file, text)
    return block


def _name(node: Tree | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    return str(node.children[0])


def string_literal(node: Tree) -> str:
    """The text of a quoted string without interpolation (block labels)."""
    return "".join(str(part.children[0]) for part in node.children if isinstance(part, Tree))


def unterminated_string_line(text: str) -> int | None:
    """The line where the first quoted string that is not closed on its own line opens, or None.
    A quoted HCL string cannot hold a newline (outside `${...}`); comments and heredocs are skipped."""
    index, line, length = 0, 1, len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line += 1
        elif char == "#" or text.startswith("//", index):
            index = _line_end(text, index)
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end < 0 else end + 2
            line += text.count("\n", index, end)
            index = end
            continue
        elif text.startswith("<<", index):
            end = _heredoc_end(text, index)
            if end is not None:
                line += text.count("\n", index, end)
                index = end
                continue
        elif char == '"':
            end = _string_end(text, index + 1)
            if end is None:
                return line
            line += text.count("\n", index, end)
            index = end
            continue
        index += 1
    return None


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _heredoc_end(text: str, index: int) -> int | None:
    """Index just after a heredoc's closing marker line, or None if `<<` does not open one here."""
    start = index + 2 + (text.startswith("-", index + 2))
    marker_end = start
    while marker_end < len(text) and (text[marker_end].isalnum() or text[marker_end] in "_-"):
        marker_end += 1
    marker = text[start:marker_end]
    if not marker or not text.startswith("\n", marker_end):
        return None
    position = marker_end + 1
    while position < len(text):
        end = _line_end(text, position)
        if text[position:end].strip() == marker:
            return end
        position = end + 1
    return len(text)


def _string_end(text: str, index: int) -> int | None:
    """Index just after the closing quote of a string whose body starts at `index`; None when a
    newline (outside an interpolation) or the end of the text comes first."""
    depth = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if text.startswith(("$${", "%%{"), index):
            index += 3
            continue
        if text.startswith(("${", "%{"), index):
            depth += 1
            index += 2
            continue
        if depth and char == "}":
            depth -= 1
        elif depth and char == '"':  # a string inside an interpolation
            end = _string_end(text, index + 1)
            if end is None:
                return None
            index = end
            continue
        elif char == "\n" and not depth:
            return None
        elif char == '"':
            return index + 1
        index += 1
    return None
