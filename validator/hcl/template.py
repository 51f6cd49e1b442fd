"""Terraform string templates: `${expr}` interpolations and `%{if}`/`%{for}` directives, with the
`~` strip markers, as heredocs, `templatefile()` and quoted strings use them.

`parse_template` turns a template body into nodes; the evaluator renders them (it evaluates the
expressions). The grammar is HCL's template language:
https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

_START = re.compile(r"\$\$?\{|%%?\{")
_FOR = re.compile(r"^for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?\s+in\s+(.+)$", re.DOTALL)


class TemplateError(Exception):
    """The template is malformed (Terraform rejects it)."""


@dataclass
class Interpolation:
    expression: str


@dataclass
class If:
    condition: str
    then: list["Node"] = field(default_factory=list)
    otherwise: list["Node"] = field(default_factory=list)


@dataclass
class For:
    names: list[str]
    collection: str
    body: list["Node"] = field(default_factory=list)


Node = Union[str, Interpolation, If, For]


def has_directives(body: str) -> bool:
    return any(m.group(0) == "%{" for m in _START.finditer(body))


def parse_template(body: str, unescape=None) -> list[Node]:
    """The nodes of a template body. `unescape` is applied to literal text (quoted strings process
    backslash escapes there; heredocs and template files do not)."""
    tokens = _tokens(body, unescape)
    nodes, rest = _nodes(tokens, 0, ())
    if rest != len(tokens):
        raise TemplateError(f"unexpected %{{{tokens[rest][1]}}}")
    return nodes


def _tokens(body: str, unescape) -> list[tuple[str, str]]:
    """("text", s) / ("interp", expr) / ("directive", keyword-and-rest), strip markers applied."""
    tokens: list[tuple[str, str]] = []
    strip_next = False
    position = 0
    text = ""

    def flush(literal: str) -> None:
        nonlocal strip_next
        if strip_next:
            literal = literal.lstrip()
            strip_next = False
        if literal:
            tokens.append(("text", unescape(literal) if unescape else literal))

    while True:
        match = _START.search(body, position)
        if match is None:
            flush(text + body[position:])
            return tokens
        start = match.start()
        if match.group(0) in ("$${", "%%{"):  # escaped: a literal ${ or %{
            text += body[position:start] + match.group(0)[1:]
            position = match.end()
            continue
        end = matching_brace(body, match.end())
        if end is None:
            raise TemplateError("an interpolation or directive is not closed")
        inner = body[match.end() : end]
        literal = text + body[position:start]
        text = ""
        if inner.startswith("~"):
            literal = literal.rstrip()
            inner = inner[1:]
        flush(literal)
        if inner.endswith("~"):
            inner = inner[:-1]
            strip_next = True
        kind = "interp" if match.group(0) == "${" else "directive"
        tokens.append((kind, inner.strip()))
        position = end + 1


def _nodes(tokens: list[tuple[str, str]], index: int, until: tuple[str, ...]) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "text":
            nodes.append(value)
        elif kind == "interp":
            nodes.append(Interpolation(value))
        else:
            keyword = value.split(None, 1)[0] if value else ""
            if keyword in until:
                return nodes, index
            if keyword == "if":
                node = If(value[2:].strip())
                node.then, index = _nodes(tokens, index + 1, ("else", "endif"))
                if index < len(tokens) and tokens[index][1] == "else":
                    node.otherwise, index = _nodes(tokens, index + 1, ("endif",))
                _expect(tokens, index, "endif")
                nodes.append(node)
            elif keyword == "for":
                match = _FOR.match(value)
                if match is None:
                    raise TemplateError(f"malformed %{{{value}}}")
                names = [n for n in (match.group(1), match.group(2)) if n]
                node = For(names, match.group(3).strip())
                node.body, index = _nodes(tokens, index + 1, ("endfor",))
                _expect(tokens, index, "endfor")
                nodes.append(node)
            else:
                raise TemplateError(f"unexpected %{{{value}}}")
        index += 1
    return nodes, index


def _expect(tokens: list[tuple[str, str]], index: int, keyword: str) -> None:
    if index >= len(tokens) or tokens[index] != ("directive", keyword):
        raise TemplateError(f"%{{{keyword}}} is missing")


def matching_brace(text: str, start: int) -> int | None:
    """Index of the `}` closing an interpolation whose body starts at `start` (strings respected)."""
    depth = 0
    index = start
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 2
                continue
            if char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return None
