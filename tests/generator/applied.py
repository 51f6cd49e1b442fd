"""The state an apply of a plan leaves, for planning the next step against it (tests/plan/state.py does the
filling; this adds what a real apply stores and keeps what the plan left alone)."""

from __future__ import annotations

from typing import Callable

from tests.plan.state import state_from_plan

MODULE = "module.service."


def changes(plan: dict) -> dict[str, list[str]]:
    """Address within the example's module -> actions, for everything that is not a no-op."""
    return {
        c["address"][len(MODULE):]: c["change"]["actions"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["change"]["actions"] != ["no-op"]
    }


def changed_attributes(plan: dict) -> dict[str, set[str]]:
    """Address within the example's module -> the top-level attributes an update changes."""
    found = {}
    for c in plan["resource_changes"]:
        if c["mode"] == "managed" and c["change"]["actions"] == ["update"]:
            before, after = c["change"]["before"] or {}, c["change"]["after"] or {}
            found[c["address"][len(MODULE):]] = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return found


def state_after(previous: dict | None, plan: dict, *fixups: Callable[[dict], None]) -> dict:
    """The state after applying `plan`: what it creates or updates, plus what it leaves alone. `fixups` put in
    what state_from_plan cannot know for a given module."""
    applied = state_from_plan(plan)
    for fixup in fixups:
        fixup(applied)
    for resource in applied["resources"]:
        for instance in resource["instances"]:
            if "tags_all" in instance["attributes"] and instance["attributes"]["tags_all"] is None:
                instance["attributes"]["tags_all"] = {}  # what an apply stores without provider default_tags
    if previous is None:
        return applied
    deleted = {c["address"] for c in plan["resource_changes"] if c["change"]["actions"] == ["delete"]}
    touched = {(r.get("module"), r["type"], r["name"]) for r in applied["resources"]}
    kept = [r for r in previous["resources"] if (r.get("module"), r["type"], r["name"]) not in touched
            and not any(a.endswith(f"{r['type']}.{r['name']}") or f"{r['type']}.{r['name']}[" in a for a in deleted)]
    return {**applied, "serial": previous["serial"] + 1, "resources": applied["resources"] + kept}
