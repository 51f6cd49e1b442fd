"""The hooks of CodeDeploy ECS AppSpec files found beside a configuration (appspec.yaml/.yml/.json, also as
templates such as appspec.yaml.tpl). An AppSpec lives outside Terraform, so this is the only place its hooks
can come from. YAML is read only as far as the 'Hooks' section's `- HookName: function` lines: adding a
YAML parser for that one shape would not earn its place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.answers import APPSPEC_HOOKS

_HOOK_LINE = re.compile(r"^\s*-\s*[\"']?(" + "|".join(APPSPEC_HOOKS) + r")[\"']?\s*:\s*[\"']?([^\"'#\s]+)")
_NAMES = re.compile(r"appspec[^/]*\.(ya?ml|json)(\.[a-z0-9]+)?$", re.I)


def appspec_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and _NAMES.search(p.name) and ".terraform" not in p.parts)


def hooks_of(path: Path) -> dict[str, str]:
    """AppSpec hook -> the function it names, in AppSpec order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return {}
        entries = data.get("Hooks") if isinstance(data, dict) else None
        found: dict[str, str] = {}
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                for hook, function in entry.items():
                    if hook in APPSPEC_HOOKS and isinstance(function, str):
                        found[hook] = function
        return found
    found = {}
    in_hooks = False
    for line in text.splitlines():
        if re.match(r"^[Hh]ooks\s*:", line):
            in_hooks = True
            continue
        if in_hooks and re.match(r"^\S", line):
            in_hooks = False
        match = _HOOK_LINE.match(line) if in_hooks else None
        if match:
            found[match.group(1)] = match.group(2)
    return found


def hooks_in(directory: Path) -> tuple[dict[str, str], list[Path]]:
    """The hooks of every AppSpec file under `directory` (first file naming a hook wins), and the files read."""
    files = appspec_files(directory)
    hooks: dict[str, str] = {}
    for path in files:
        for hook, function in hooks_of(path).items():
            hooks.setdefault(hook, function)
    ordered = {hook: hooks[hook] for hook in APPSPEC_HOOKS if hook in hooks}
    return ordered, files
