"""Root modules below a path: `tfbg lint -r`.

A root module is a directory holding `*.tf` files that no other directory found below the same path
calls as a local module (`source = "./..."` or `"../..."`). `.terraform/` (modules and providers
`terraform init` fetched) and hidden directories are skipped, as are symbolic links to directories
(a link back up the tree would otherwise be walked forever).

Module sources are found by a small lexical scan instead of a full parse: Terraform requires a
module's `source` to be a literal string, so the scan only has to skip comments, strings and
heredocs correctly to see top-level `module "x" { source = "..." }`. Parsing every file twice (once
to find the roots, once to lint them) cost as much as the lint itself on a 1,000-file repository.
"""

from __future__ import annotations

import os
import re

_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def find_roots(path: str) -> list[str]:
    """The root module directories below `path` (`path` itself included), sorted."""
    directories: list[str] = []
    for directory, subdirectories, files in os.walk(path):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and not os.path.islink(os.path.join(directory, name))
        )
        if any(name.endswith(".tf") and os.path.isfile(os.path.join(directory, name)) for name in files):
            directories.append(os.path.normpath(directory))
    found = set(directories)
    called: set[str] = set()
    for directory in directories:
        for source in local_module_sources(directory):
            target = os.path.normpath(os.path.join(directory, source))
            if target in found and target != directory:
                called.add(target)
    return sorted(d for d in directories if d not in called)


def _tf_texts(directory: str):
    """The text of each regular `*.tf` file of a directory, in name order. Anything else named
    `*.tf` (a FIFO, a socket, a dangling symlink) is passed over unopened: opening a FIFO blocks
    forever, and the lint of the directory names it (validator/hcl/reads.not_a_file)."""
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not name.endswith(".tf") or not os.path.isfile(path):
            continue
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as handle:
                yield handle.read()
        except OSError:
            continue  # the lint of this directory reports the file it cannot read


def local_module_sources(directory: str) -> list[str]:
    """The literal `source` of every top-level module block in the directory's `*.tf` files that
    is a local path."""
    sources: list[str] = []
    for text in _tf_texts(directory):
        for source in module_sources(text):
            if source.startswith(("./", "../")) or source in (".", ".."):
                sources.append(source)
    return sources


def declared_variables(directory: str) -> set[str]:
    """Names of the top-level `variable` blocks of a directory's `*.tf` files (lexical scan, as for
    module sources): `-r` gives each root only the --var values it declares."""
    names: set[str] = set()
    for text in _tf_texts(directory):
        depth, recent = 0, []
        for kind, value in _tokens(text):
            if kind == "{":
                if depth == 0 and len(recent) >= 2 and recent[-2] == ("ident", "variable") and recent[-1][0] == "string":
                    names.add(recent[-1][1] or "")
                depth += 1
            elif kind == "}":
                depth = max(depth - 1, 0)
            elif depth == 0 and kind != "newline":
                recent.append((kind, value))
                recent = recent[-2:]
    return names


def module_sources(text: str) -> list[str]:
    """`source` literals of top-level `module` blocks in one file's text."""
    sources: list[str] = []
    depth = 0
    # Tokens at depth 0 and 1 that matter: identifiers, string literals, `=`, braces.
    recent: list[tuple[str, str]] = []  # (kind, value) of the last tokens at the current level
    in_module = False
    expect_source_value = False
    for kind, value in _tokens(text):
        if kind == "{":
            if depth == 0 and len(recent) >= 2 and recent[-2] == ("ident", "module") and recent[-1][0] == "string":
                in_module = True
            depth += 1
            recent = []
            continue
        if kind == "}":
            depth = max(depth - 1, 0)
            if depth == 0:
                in_module = False
            recent = []
            continue
        if kind == "newline":
            if depth != 0:
                recent = []
            expect_source_value = False
            continue
        if in_module and depth == 1:
            if expect_source_value:
                if kind == "string":
                    sources.append(value)
                expect_source_value = False
            elif kind == "=" and recent == [("ident", "source")]:
                expect_source_value = True
        recent.append((kind, value))
    return sources


def _tokens(text: str):
    """Yield (kind, value): ident, string (its literal text, None when interpolated), `{`, `}`, `=`,
    newline, other. Comments, heredocs and the inside of strings produce nothing."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            yield "newline", ""
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<<", i) and (match := _HEREDOC.match(text, i)):
            marker = match.group(1)
            closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$", re.MULTILINE)
            end = closing.search(text, match.end())
            i = n if end is None else end.end()
            yield "other", ""
        elif c == '"':
            literal, i = _string(text, i)
            yield "string", literal
        elif c in "{}=":
            if c == "=" and i + 1 < n and text[i + 1] in "=>":
                yield "other", ""
                i += 2
                continue
            yield c, ""
            i += 1
        elif (match := _IDENT.match(text, i)) is not None:
            yield "ident", match.group(0)
            i = match.end()
        else:
            yield "other", ""
            i += 1


def _string(text: str, start: int) -> tuple[str | None, int]:
    """A quoted string from `start` (its opening quote): (its text, or None when it interpolates
    `${...}`, and the index after the closing quote). Quotes inside an interpolation are nested."""
    i, n = start + 1, len(text)
    parts: list[str] = []
    literal = True
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            parts.append(text[i + 1])
            i += 2
        elif c == '"':
            return ("".join(parts) if literal else None), i + 1
        elif c == "\n":
            return None, i  # an unterminated string: the parser reports it; stop here
        elif text.startswith(("${", "%{"), i) and not text.startswith(("$${", "%%{"), i - 1):
            literal = False
            i = _skip_template(text, i + 2)
        else:
            parts.append(c)
            i += 1
    return None, n


def _skip_template(text: str, i: int) -> int:
    """Past the `}` closing a `${` or `%{` whose body starts at i (braces and strings nested)."""
    depth, n = 1, len(text)
    while i < n and depth:
        c = text[i]
        if c == '"':
            _, i = _string(text, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return i
