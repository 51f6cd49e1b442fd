"""What the directory loader made of a configuration, for debugging evaluation and for bug reports:

    python -m validator.hcl.dump PATH [RESOURCE_TYPE ...]

prints every resource (or those of the given types) with its evaluated values as JSON, references
as `<ref ADDRESS.ATTRIBUTE>`, unknown values as `<unknown EXPRESSION>`; then every cause of an
unknown value once, with how many values wait for it and one of them.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable

from validator.loaders.hcl import load_directory
from validator.model import JsonDocument, Model, Ref, Unknown


def shown(value: Any) -> Any:
    """A model value as plain JSON (references and unknowns as tagged strings)."""
    if isinstance(value, JsonDocument):
        return {"<json document>": shown(value.value)}
    if isinstance(value, Ref):
        return f"<ref {value}>"
    if isinstance(value, Unknown):
        return f"<unknown {value.why}>"
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value


def unknown_causes(model: Model) -> dict[str, list[str]]:
    """Cause -> the attribute paths (and instance counts) that wait for it, in model order."""
    causes: dict[str, list[str]] = {}

    def visit(value: Any, path: str) -> None:
        if isinstance(value, JsonDocument):
            visit(value.value, path)
        elif isinstance(value, Unknown):
            causes.setdefault(value.cause or value.why, []).append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{path}.{index}")

    for resource in model.resources:
        if resource.count_unknown:
            causes.setdefault(resource.count_cause or "count/for_each", []).append(f"{resource.address} (instances)")
        visit(resource.values, resource.address)
    return causes


def dump(path: str, types: Iterable[str] = ()) -> str:
    model = load_directory(path)
    wanted = set(types)
    lines = [f"{d.severity} {d.location}: {d.message}" for d in model.diagnostics]
    for resource in model.resources:
        if wanted and resource.type not in wanted:
            continue
        note = "  (number of instances not known)" if resource.count_unknown else ""
        lines.append(f"== {resource.address}{note}")
        lines.append(json.dumps(shown(resource.values), indent=2, ensure_ascii=False))
    causes = unknown_causes(model)
    lines.append(f"-- {len(causes)} causes of unknown values")
    for cause, paths in sorted(causes.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(f"{len(paths):4d}  {cause}\n      e.g. {paths[0]}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - thin command-line wrapper
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(dump(sys.argv[1], sys.argv[2:]))
