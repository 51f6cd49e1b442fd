"""Load a `terraform show -json` plan into the shared model.

Values come from `resource_changes` (after, or before for a deletion) with `after_unknown` leaves
turned into `Ref` (from the configuration's references) or `Unknown`; resources without a change
entry come from `planned_values` and data sources read during planning from `prior_state`.
Positions are JSON pointers unless `source` names the directory that produced the plan: then
locations and `lifecycle` come from that directory (plan JSON has no `lifecycle`).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from validator.loaders.plan_config import ConfigIndex, parse_module_address, references_at
from validator.loaders.plan_io import load_document
from validator.model import (
    Change,
    Diagnostic,
    JsonDocument,
    Location,
    Model,
    ModuleCall,
    ProviderRequirement,
    Ref,
    Resource,
    Unknown,
    is_absent,
    to_number,
)


def load_plan(path: str, *, source: str | None = None) -> Model:
    name = "<stdin>" if path == "-" else path
    document = load_document(path)
    model = PlanReader(document, name).model()
    if source is not None:
        attach_source(model, source)
    else:
        model.diagnostics.append(
            Diagnostic(
                "plan JSON carries no lifecycle blocks and no line numbers: pass --source DIR (the "
                "directory that produced the plan) to check ignore_changes and report file:line",
                Location(name),
                severity="info",
            )
        )
    return model


class PlanReader:
    def __init__(self, document: dict, name: str) -> None:
        self.document = document
        self.name = name
        self.config = ConfigIndex(document.get("configuration"))

    def model(self) -> Model:
        model = Model(kind="plan", files=[self.name])
        seen: set[str] = set()
        for resource in self._resources():
            if resource.address in seen:
                continue
            seen.add(resource.address)
            model.add(resource)
        model.providers.extend(self._providers())
        root = (self.document.get("configuration") or {}).get("root_module") or {}
        model.module_calls.extend(self._module_calls(root, "", "/configuration/root_module"))
        return model

    def _module_calls(self, module: dict, prefix: str, pointer: str) -> Iterator[ModuleCall]:
        calls = module.get("module_calls") if isinstance(module, dict) else None
        for name, call in (calls or {}).items() if isinstance(calls, dict) else ():
            if not isinstance(call, dict):
                continue
            address = f"{prefix}module.{name}"
            here = f"{pointer}/module_calls/{_escape(name)}"
            yield ModuleCall(
                address=address,
                source=str(call.get("source", "")),
                version=call.get("version_constraint"),
                location=Location(self.name, None, here),
            )
            yield from self._module_calls(call.get("module") or {}, address + ".", here + "/module")

    # -- resources -------------------------------------------------------------------------------

    def _resources(self) -> Iterator[Resource]:
        for i, rc in enumerate(_list(self.document.get("resource_changes"))):
            if isinstance(rc, dict) and isinstance(rc.get("change"), dict):
                yield self._from_change(rc, f"/resource_changes/{i}")
        for pointer, item in _module_resources(self.document.get("planned_values"), "/planned_values"):
            yield self._from_values(item, pointer)
        prior = (self.document.get("prior_state") or {}).get("values")
        for pointer, item in _module_resources(prior, "/prior_state/values"):
            yield self._from_values(item, pointer)

    def _from_change(self, rc: dict, pointer: str) -> Resource:
        change = rc["change"]
        actions = tuple(a for a in _list(change.get("actions")) if isinstance(a, str))
        deleting = actions == ("delete",)
        raw = change.get("before") if deleting else change.get("after")
        unknown = {} if deleting else change.get("after_unknown")
        resource = self._resource(rc, raw, unknown, pointer)
        resource.change = Change(
            actions=actions,
            before=change.get("before"),
            after=resource.values if not deleting else None,
            replace_paths=tuple(_path_text(p) for p in _list(rc.get("replace_paths") or change.get("replace_paths"))),
        )
        return resource

    def _from_values(self, item: dict, pointer: str) -> Resource:
        return self._resource(item, item.get("values"), None, pointer)

    def _resource(self, item: dict, raw: Any, unknown: Any, pointer: str) -> Resource:
        address = str(item.get("address", ""))
        module_address = str(item.get("module_address") or _module_of(address))
        steps = parse_module_address(module_address)
        relative = address[len(module_address) + 1 :] if module_address else address
        expressions = self.config.expressions(steps, relative)
        values = self._values(raw if isinstance(raw, dict) else {}, unknown, expressions, steps)
        mode = "data" if item.get("mode") == "data" else "managed"
        return Resource(
            address=address,
            type=str(item.get("type", "")),
            name=str(item.get("name", "")),
            mode=mode,
            module=module_address,
            index=item.get("index"),
            values=values,
            location=Location(self.name, None, pointer),
            ignore_changes=None,  # plan JSON has no lifecycle blocks
            create_before_destroy=None,
        )

    def _values(self, after: Any, unknown: Any, expressions: Any, steps: list) -> Any:
        """Merge `after` with `after_unknown`: unknown leaves become Ref (from references) or Unknown."""
        if not unknown:  # nothing unknown below here (after_unknown omits known leaves): keep as is
            return after
        if unknown is True:
            refs = self.config.resolve(references_at(expressions), steps)
            return refs[0] if len(refs) == 1 else Unknown("known after apply")
        if isinstance(after, dict) or isinstance(unknown, dict):
            after_d = after if isinstance(after, dict) else {}
            unknown_d = unknown if isinstance(unknown, dict) else {}
            expr_d = expressions if isinstance(expressions, dict) else {}
            # Known keys as they are (a falsy unknown means nothing unknown below), then only the keys
            # with something unknown are merged; keys only in after_unknown come last, in its order.
            merged = dict(after_d)
            for key, unknown_here in unknown_d.items():
                if unknown_here:
                    merged[key] = self._values(after_d.get(key), unknown_here, expr_d.get(key), steps)
                elif key not in after_d:
                    merged[key] = None
            return merged
        if isinstance(after, list) or isinstance(unknown, list):
            return self._list_values(after, unknown, expressions, steps)
        return after

    def _list_values(self, after: Any, unknown: Any, expressions: Any, steps: list) -> list:
        after_l = after if isinstance(after, list) else []
        unknown_l = unknown if isinstance(unknown, list) else []
        length = max(len(after_l), len(unknown_l))
        if isinstance(expressions, list):  # nested blocks: one expressions object per block in the config
            blocks = _match_blocks(after_l, unknown_l, expressions, length)
            return [
                self._values(
                    after_l[i] if i < len(after_l) else None,
                    unknown_l[i] if i < len(unknown_l) else None,
                    blocks[i],
                    steps,
                )
                for i in range(length)
            ]
        # A list attribute: its references are listed in order, one group per element that refers.
        refs = self.config.resolve(references_at(expressions), steps)
        unknown_positions = [i for i in range(length) if i < len(unknown_l) and unknown_l[i] is True]
        result = []
        for i in range(length):
            if i in unknown_positions:
                if len(refs) == len(unknown_positions):
                    result.append(refs[unknown_positions.index(i)])
                elif len(refs) == 1:
                    result.append(refs[0])
                else:
                    result.append(Unknown("known after apply"))
            else:
                item_unknown = unknown_l[i] if i < len(unknown_l) else None
                result.append(self._values(after_l[i] if i < len(after_l) else None, item_unknown, None, steps))
        return result

    # -- providers --------------------------------------------------------------------------------

    def _providers(self) -> Iterator[ProviderRequirement]:
        configs = (self.document.get("configuration") or {}).get("provider_config") or {}
        for key, config in configs.items():
            if not isinstance(config, dict):
                continue
            full_name = str(config.get("full_name") or f"hashicorp/{config.get('name', key)}")
            yield ProviderRequirement(
                name=str(config.get("name", key)),
                source=re.sub(r"^registry\.terraform\.io/", "", full_name),
                version_constraint=config.get("version_constraint"),
                location=Location(self.name, None, f"/configuration/provider_config/{_escape(key)}"),
                module=str(config.get("module_address") or ""),
            )


def _match_blocks(values: list, unknowns: list, blocks: list, length: int) -> list:
    """The configuration block each planned block came from.

    Set-typed blocks (`load_balancer`, a forward's `target_group`) come out of a plan in hash order,
    not in the order written, so blocks are paired by the constant values they agree on. Two planned
    blocks that could swap configuration blocks are fine only when they are the same as far as the
    plan knows (then either pairing gives the same model, as a set has no order); otherwise no block
    gets a pairing, and its unknown values stay Unknown rather than take a wrong reference.
    """
    if len(blocks) == 1:
        return [blocks[0]] * length
    if len(blocks) != length:
        return [None] * length
    fits = [[b for b in range(length) if _agrees(values[i] if i < len(values) else None, blocks[b])] for i in range(length)]
    pairing = _perfect_matching(fits)
    if pairing is None:
        return [None] * length

    def content(i: int) -> tuple:
        return (repr(values[i] if i < len(values) else None), repr(unknowns[i] if i < len(unknowns) else None))

    for i in range(length):
        for j in range(i + 1, length):
            swappable = pairing[j] in fits[i] and pairing[i] in fits[j]
            if swappable and content(i) != content(j):
                return [None] * length
    return [blocks[pairing[i]] for i in range(length)]


def _perfect_matching(fits: list[list[int]]) -> list[int] | None:
    """A pairing of planned blocks to configuration blocks within `fits` (a handful: backtracking)."""
    taken: list[int] = []

    def extend(i: int) -> bool:
        if i == len(fits):
            return True
        for block in fits[i]:
            if block not in taken:
                taken.append(block)
                if extend(i + 1):
                    return True
                taken.pop()
        return False

    return taken if extend(0) else None


def _agrees(value: Any, block: Any) -> bool:
    """Every constant the configuration block sets equals the planned value (recursively)."""
    if not isinstance(value, dict) or not isinstance(block, dict):
        return False
    for key, expression in block.items():
        if isinstance(expression, dict) and "constant_value" in expression:
            if value.get(key) != expression["constant_value"]:
                return False
        elif isinstance(expression, list) and isinstance(value.get(key), list):
            if len(expression) == len(value[key]) == 1 and not _agrees(value[key][0], expression[0]):
                return False
    return True


def attach_source(model: Model, source: str) -> None:
    """Take locations, `lifecycle` and exact references from the directory that produced the plan."""
    from validator.loaders.hcl import load_directory  # the HCL side is only needed with --source

    hcl = load_directory(source)
    model.diagnostics.extend(hcl.diagnostics)
    by_template: dict[str, list[Resource]] = {}
    for resource in hcl.resources:
        by_template.setdefault(_template(resource.address), []).append(resource)
    # Resources of modules that are not on disk (registry, git) cannot be in the source: not a mismatch.
    remote = tuple(f"{c.address}." for c in hcl.module_calls if not c.source.startswith(("./", "../")))
    unmatched: list[str] = []
    for resource in model.resources:
        twin = hcl.get(resource.address)
        if twin is None:
            candidates = by_template.get(_template(resource.address), [])
            twin = candidates[0] if candidates else None
        if twin is None:
            if not _template(resource.address).startswith(remote or ("\0",)):
                unmatched.append(resource.address)
            continue
        resource.location = twin.location
        resource.locations = twin.locations
        resource.ignore_changes = twin.ignore_changes
        resource.create_before_destroy = twin.create_before_destroy
        resource.values = _prefer_exact_refs(resource.values, twin.values)
    if hcl.module_calls:
        model.module_calls = hcl.module_calls  # the same calls, with file:line
    if hcl.providers:
        model.providers = hcl.providers  # per module as written, with file:line
    model.files = sorted(set(model.files) | set(hcl.files))
    if unmatched:
        model.diagnostics.append(
            Diagnostic(
                f"{len(unmatched)} of the plan's {len(model.resources)} resources are not in {source} "
                f"(first: {unmatched[0]}): is --source the directory this plan was made from? Those "
                "resources are checked without line numbers or lifecycle blocks",
                Location(source),
                severity="warning",
            )
        )


def _prefer_exact_refs(plan_value: Any, hcl_value: Any) -> Any:
    """Align the plan's values with the source: set-typed blocks are put back in the order they are
    written (a plan lists them in hash order, and positions are what tie a value to its line), and
    where the plan only inferred a reference, the source says exactly what the expression is (also a
    JSON document such as `jsonencode({... Resource = aws_x.y.arn})`, which a plan shows as unknown)."""
    if isinstance(plan_value, (Ref, Unknown)):
        if isinstance(hcl_value, (Ref, JsonDocument)):
            return hcl_value
        if (type(plan_value) is Unknown or (isinstance(plan_value, Ref) and not plan_value.exact)) and _is_template(hcl_value):
            # `"${replace(aws_x.y.id, ...)}/*"`: the plan says "known after apply" or lists a reference; the
            # source's text is the value the directory's rules read.
            return hcl_value
        return plan_value
    if isinstance(plan_value, dict) and isinstance(hcl_value, dict):
        # An argument the source does not write but the plan shows as unknown is an optional+computed
        # one left to the provider: to a rule it is absent, exactly as in the directory.
        return {
            k: None if isinstance(v, Unknown) and k not in hcl_value else _prefer_exact_refs(v, hcl_value.get(k))
            for k, v in plan_value.items()
        }
    if isinstance(plan_value, list) and isinstance(hcl_value, list) and len(plan_value) == len(hcl_value):
        ordered = _source_order(plan_value, hcl_value)
        return [_prefer_exact_refs(p, h) for p, h in zip(ordered, hcl_value)]
    return plan_value


def _is_template(value: Any) -> bool:
    """An Unknown that is a string template with interpolations, as the source writes it."""
    return type(value) is Unknown and value.why.startswith('"') and value.why.endswith('"') and "${" in value.why


def _source_order(plan_items: list, hcl_items: list) -> list:
    """The plan's blocks reordered to pair with the source's: each source block takes the planned
    block that agrees with it best (no contradiction; most values equal; fewest values the source does
    not write). When a pairing is not clear-cut, the plan's order stays."""
    if len(plan_items) < 2 or not all(isinstance(i, dict) for i in plan_items + hcl_items):
        return plan_items
    order = []
    for hcl_item in hcl_items:
        candidates = ((_agreement(plan_item, hcl_item), i) for i, plan_item in enumerate(plan_items) if i not in order)
        scores = sorted(((score, i) for score, i in candidates if score is not None), reverse=True)
        if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
            return plan_items
        order.append(scores[0][1])
    return [plan_items[i] for i in order]


def _agreement(plan_item: dict, hcl_item: dict) -> int | None:
    """How well a planned block matches a written one: None on a contradiction, else the values both
    know and agree on, less the values the plan has that the source does not write."""
    if not _consistent(plan_item, hcl_item):
        return None
    agree = sum(1 for k, v in hcl_item.items() if not is_absent(v) and _known(v) and _consistent(plan_item.get(k), v))
    extra = sum(1 for k, v in plan_item.items() if not is_absent(v) and is_absent(hcl_item.get(k)))
    return agree - extra


def _known(value: Any) -> bool:
    return not isinstance(value, (Ref, Unknown))


def _consistent(plan_value: Any, hcl_value: Any) -> bool:
    """No known value of one contradicts the other (absent, unknown and references agree with anything)."""
    if isinstance(plan_value, (Ref, Unknown)) or isinstance(hcl_value, (Ref, Unknown)):
        return True
    if isinstance(plan_value, dict) and isinstance(hcl_value, dict):
        return all(_consistent(plan_value.get(k), v) for k, v in hcl_value.items() if not is_absent(v))
    if isinstance(plan_value, list) and isinstance(hcl_value, list):
        return len(plan_value) == len(hcl_value) and all(_consistent(p, h) for p, h in zip(plan_value, hcl_value))
    if is_absent(hcl_value):
        return True
    return plan_value == hcl_value or to_number(plan_value) == to_number(hcl_value) is not None


def _template(address: str) -> str:
    """An address with every instance key removed: module.a["x"].aws_b.c[0] -> module.a.aws_b.c."""
    return re.sub(r'\[(?:"[^"]*"|[^\]]*)\]', "", address)


def _module_of(address: str) -> str:
    steps = parse_module_address(address)
    if not steps:
        return ""
    return ".".join(f"module.{name}{key or ''}" for name, key in steps)


def _module_resources(module_values: Any, pointer: str) -> Iterator[tuple[str, dict]]:
    if not isinstance(module_values, dict):
        return
    root = module_values.get("root_module")
    if isinstance(root, dict):
        yield from _walk_module(root, pointer + "/root_module")


def _walk_module(module: dict, pointer: str) -> Iterator[tuple[str, dict]]:
    for i, item in enumerate(_list(module.get("resources"))):
        if isinstance(item, dict) and item.get("address"):
            yield f"{pointer}/resources/{i}", item
    for i, child in enumerate(_list(module.get("child_modules"))):
        if isinstance(child, dict):
            yield from _walk_module(child, f"{pointer}/child_modules/{i}")


def _path_text(path: Any) -> str:
    if isinstance(path, list):
        return ".".join(str(p) for p in path)
    return str(path)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
