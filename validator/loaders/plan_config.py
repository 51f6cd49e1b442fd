"""The plan's `configuration` section: which resource an unknown value comes from.

ARNs are unknown on a first deploy, so values alone cannot link a service to its listener rule.
The configuration keeps each expression's `references` (`aws_lb_listener_rule.prod.arn`), per module
*call* (not per instance) and relative to the module. This module follows them through module
variables and outputs to an absolute resource address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from validator.model import Ref

# `data.aws_x.name[0].attr.sub`, `aws_x.name["key"].attr`; the index may hold dots or quotes.
_RESOURCE_REF = re.compile(
    r'^(?P<addr>(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[(?:"[^"]*"|[^\]]*)\])?)(?:\.(?P<attr>.+))?$'
)
_LITERAL_INDEX = re.compile(r'^(.*)\[(?:\d+|"[^"]*")\]$')
_NOT_RESOURCES = ("var.", "local.", "module.", "each.", "count.", "path.", "terraform.", "self.")

# A module instance step: ("app", None) or ("svc", '"a"') for module.svc["a"].
ModuleStep = tuple[str, "str | None"]
_MODULE_STEP = re.compile(r'module\.([A-Za-z_][\w-]*)(\[(?:"[^"]*"|[^\]]*)\])?')


def parse_module_address(module_address: str) -> list[ModuleStep]:
    return [(m.group(1), m.group(2)) for m in _MODULE_STEP.finditer(module_address or "")]


def module_prefix(steps: list[ModuleStep]) -> str:
    return "".join(f"module.{name}{key or ''}." for name, key in steps)


@dataclass
class ModuleConfig:
    resources: dict[str, dict]  # relative address -> configuration resource object
    calls: dict[str, dict]  # module call name -> call object (expressions, module)
    outputs: dict[str, dict]


class ConfigIndex:
    def __init__(self, configuration: dict | None) -> None:
        self._modules: dict[tuple[str, ...], ModuleConfig] = {}
        root = (configuration or {}).get("root_module") or {}
        self._index((), root)

    def _index(self, path: tuple[str, ...], module: dict) -> None:
        resources = {r.get("address", ""): r for r in module.get("resources") or [] if isinstance(r, dict)}
        calls = {k: v for k, v in (module.get("module_calls") or {}).items() if isinstance(v, dict)}
        self._modules[path] = ModuleConfig(resources, calls, module.get("outputs") or {})
        for name, call in calls.items():
            self._index(path + (name,), call.get("module") or {})

    def module(self, steps: list[ModuleStep]) -> ModuleConfig | None:
        return self._modules.get(tuple(name for name, _ in steps))

    def expressions(self, steps: list[ModuleStep], relative_address: str) -> dict:
        """The expressions of a resource, by its address inside its module (instance key removed)."""
        module = self.module(steps)
        if module is None:
            return {}
        config = module.resources.get(re.sub(r"\[[^\]]*\]$", "", relative_address))
        return (config or {}).get("expressions") or {}

    def resolve(self, references: list[str], steps: list[ModuleStep], depth: int = 0) -> list[Ref]:
        """Distinct resource references an expression makes, in order, as absolute Refs."""
        found: list[Ref] = []
        seen: set[str] = set()
        # Terraform lists `aws_x.y[0].id`, `aws_x.y[0]` and `aws_x.y` for one use of an indexed resource:
        # the bare address is the same resource as the literally indexed one beside it, not a second one.
        resolved = [ref for reference in references for ref in self._resolve_one(reference, steps, depth)]
        indexed = {m.group(1) for r in resolved if (m := _LITERAL_INDEX.match(r.address))}
        for ref in resolved:
            if ref.address in indexed:
                continue
            if ref.address not in seen:
                seen.add(ref.address)
                found.append(ref)
            elif ref.attribute and not any(f.attribute for f in found if f.address == ref.address):
                found = [ref if f.address == ref.address else f for f in found]
        return found

    def _resolve_one(self, reference: str, steps: list[ModuleStep], depth: int) -> list[Ref]:
        if depth > 20:  # a module that passes a value around in a cycle is invalid Terraform anyway
            return []
        if reference.startswith("var.") and steps:
            name = reference.split(".")[1]
            parent = self.module(steps[:-1])
            call = (parent.calls.get(steps[-1][0]) if parent else None) or {}
            argument = (call.get("expressions") or {}).get(name) or {}
            return self.resolve(_references_of(argument), steps[:-1], depth + 1)
        if reference.startswith("module."):
            parts = reference.split(".")
            if len(parts) < 3:
                return []
            call_name, output = re.sub(r"\[.*\]$", "", parts[1]), parts[2]
            module = self.module(steps + [(call_name, None)])
            expression = ((module.outputs.get(output) or {}).get("expression") or {}) if module else {}
            return self.resolve(_references_of(expression), steps + [(call_name, None)], depth + 1)
        if reference.startswith(_NOT_RESOURCES):
            return []
        match = _RESOURCE_REF.match(reference)
        if not match:
            return []
        return [Ref(module_prefix(steps) + match.group("addr"), match.group("attr") or "", exact=False)]


def _references_of(expression: Any) -> list[str]:
    if isinstance(expression, dict):
        refs = expression.get("references")
        if isinstance(refs, list):
            return [r for r in refs if isinstance(r, str)]
    return []


def references_at(expressions: Any) -> list[str]:
    """The references of one attribute's expression object (empty when it is a constant or a block)."""
    return _references_of(expressions)
