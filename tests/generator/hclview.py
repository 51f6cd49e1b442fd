"""Read a rendered module with python-hcl2 into {("resource"|"data", type, name): body}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def load_blocks(files: dict[str, bytes]) -> dict[tuple[str, str, str], dict[str, Any]]:
    blocks: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path, data in files.items():
        if not path.endswith(".tf") or "/" in path:
            continue
        parsed = hcl2.loads(data.decode())
        for kind in ("resource", "data"):
            for entry in parsed.get(kind, []):
                for rtype, named in entry.items():
                    for name, body in named.items():
                        blocks[(kind, _unquote(rtype), _unquote(name))] = body
    return blocks


def of_type(blocks, kind: str, rtype: str) -> dict[str, dict[str, Any]]:
    return {name: body for (k, t, name), body in blocks.items() if k == kind and t == rtype}


def value(text: Any) -> Any:
    """python-hcl2 keeps string quotes and wraps expressions in ${...}; strip either."""
    if isinstance(text, str):
        if text.startswith("${") and text.endswith("}"):
            return text[2:-1]
        return _unquote(text)
    if isinstance(text, list):
        return [value(item) for item in text]
    return text


def module_dir_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
