"""Parse a .tf file with python-hcl2 into a light tree of blocks and attributes.

We walk python-hcl2's raw Lark tree instead of its dict serialisation: the tree keeps every
expression as a syntax tree (no `${...}` strings to parse a second time).
Each file is parsed exactly once.

The parser is python-hcl2's grammar and post-lexer in a Lark instance of our own, built without
`propagate_positions`: that option computes a position for every tree node while parsing (about
half of the parse time) although tfbg needs positions only for blocks, attributes and the few
expressions a message quotes. Every token keeps its position, and python-hcl2's grammar keeps every
token (named terminals only), so `span()` finds a node's first and last token: the same position
`propagate_positions` would have given. The parser's tables are cached in tfbg's cache directory
(validator/cache_dir.py), not in site-packages, which is often read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import functools
import os
import sys
from typing import Callable

import hcl2.parser
from hcl2.postlexer import PostLexer
from lark import Lark, TextSlice, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from validator.cache_dir import cache_directory
from validator.hcl.split import TopBlock, split_blocks


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


@dataclass(slots=True)
class PendingBlock:
    """A top-level block the scanner found (validator/hcl/split.py), parsed only when it is needed:
    validator/hcl/module.py defers resource blocks so that the syntax trees of every file are never
    in memory at once. Its type, labels and line are the scanner's; parse() checks them."""

    file: str
    top: TopBlock = field(repr=False)
    source: str = field(repr=False)  # the file's text, shared by its blocks

    @property
    def type(self) -> str:
        return self.top.type

    @property
    def labels(self) -> tuple[str, ...]:
        return self.top.labels

    @property
    def line(self) -> int:
        return self.top.line

    def parse(self) -> Block | None:
        """The block, or None when the grammar does not find exactly it here (a syntax error, or a
        scanner mistake): the caller then parses the whole file as before."""
        return parse_top_block(self.top, self.file, self.source)


@functools.lru_cache(maxsize=None)
def parser() -> Lark:
    directory = cache_directory()
    return Lark.open(
        "hcl2.lark",
        rel_to=hcl2.parser.__file__,
        parser="lalr",
        propagate_positions=False,
        postlex=PostLexer(),
        # Lark names the cache file after the grammar and options (a hash checked on load: an entry
        # of another grammar or version is rebuilt; one that fails to load is rebuilt and rewritten).
        cache=os.path.join(directory, "lark-hcl2.bin") if directory else False,
    )


def parses_to_tree(text: str) -> Tree:
    """python-hcl2's parses_to_tree, with our parser (the newline: lark-parser/lark#237)."""
    return parser().parse(text + "\n")


def span(node: Tree | Token) -> tuple[int, int, int, int] | None:
    """(start_pos, end_pos, line, end_line) of a node: from its first to its last token; None for a
    node without tokens (an empty body)."""
    first, last = _edge_token(node, 0), _edge_token(node, -1)
    if first is None or last is None:
        return None
    return first.start_pos, last.end_pos, first.line, last.end_line


def _edge_token(node: Tree | Token, end: int) -> Token | None:
    if isinstance(node, Token):
        return node
    children = node.children if end == 0 else reversed(node.children)
    for child in children:
        if isinstance(child, (Tree, Token)):
            found = _edge_token(child, end)
            if found is not None:
                return found
    return None


def parse_text(text: str, file: str, defer: Callable[[TopBlock], bool] | None = None) -> Block:
    """The file's top-level body, as a Block of type "" (attributes are invalid at top level).

    Block by block when the scanner can split the file (validator/hcl/split.py); then the blocks
    `defer` selects are left unparsed, as PendingBlock entries of the root's blocks. Otherwise, or
    when a block does not parse on its own, the whole file at once (nothing deferred), which also
    gives a syntax error its message and line."""
    root = Block("", [], file, 1, text.count("\n") + 1, source=text)
    top_blocks = split_blocks(text)
    if top_blocks is not None:
        for top in top_blocks:
            if defer is not None and defer(top):
                root.blocks.append(PendingBlock(file, top, text))  # type: ignore[arg-type]
                continue
            block = parse_top_block(top, file, text)
            if block is None:
                break
            root.blocks.append(block)
        else:
            return root
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
    root.blocks.clear()
    _fill(root, body, file, text)
    return root


def parse_top_block(top: TopBlock, file: str, text: str) -> Block | None:
    """The top-level block the scanner found at top.start:top.end, parsed on its own (positions and
    lines as in the whole file); None when the grammar does not find exactly that block there.
    (A whole file needs a newline after its end, lark-parser/lark#237; a block ends with its brace.)"""
    try:
        tree = parser().parse(TextSlice(text, top.start, top.end))
    except LarkError:
        return None
    members = [c for c in tree.children[0].children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    if len(members) != 1 or members[0].data != "block":
        return None
    block = _block(members[0], file, text)
    if block.type != top.type or tuple(block.labels) != top.labels or block.line != top.line:
        return None
    return block


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
            _, _, line, end_line = span(child)  # type: ignore[misc] (an attribute has tokens)
            block.attributes[name] = Attribute(name, expr, _shared(line), end_line, file, text)
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
    _, _, line, end_line = span(node)  # type: ignore[misc] (a block has tokens)
    block = Block(block_type, labels, file, _shared(line), end_line, source=text)
    if body is not None:
        _fill(block, body, file, text)
    return block


# One int object per line number: the model keeps a location (file, line) for every attribute and
# block it evaluated, and each token's line above 256 is an int object of its own.
_LINE_NUMBERS: dict[int, int] = {}


def _shared(line: int) -> int:
    return _LINE_NUMBERS.setdefault(line, line)


def _name(node: Tree | Token) -> str:
    # Interned: the same few names key every resource's values, locations and evaluation cache.
    if isinstance(node, Token):
        return sys.intern(str(node))
    return sys.intern(str(node.children[0]))


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
