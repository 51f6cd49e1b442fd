"""Terraform's semantics over parsed modules: module instances, variables, locals, outputs,
count/for_each expansion, references between resources, and the plan-shaped values of resources.

Everything is evaluated lazily and cached, so a reference is resolved wherever it appears
(other file, other module) without ordering the declarations; a reference cycle yields Unknown.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from lark import Token, Tree

from validator.hcl import reads
from validator.hcl.evaluate import Evaluator, Invalid, Step, apply_steps, cause_of
from validator.hcl.module import ModuleConfig, ResourceDecl, member_names, read_text
from validator.hcl.parse import Attribute, Block, span
from validator.hcl.types import ConversionError, Type, convert, parse_type
from validator.model import MISSING, JsonDocument, Location, Ref, Unknown, is_known

# Arguments Terraform itself interprets; they are not resource attributes.
RESOURCE_META = frozenset({"count", "for_each", "provider", "depends_on"})
RESOURCE_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})

NO_KEY = None  # instance key of a resource/module without count or for_each


def instance_suffix(key: int | str | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


@dataclass
class Iteration:
    """count.index / each.key / each.value of the instance being evaluated."""

    count_index: Any = MISSING
    each_key: Any = MISSING
    each_value: Any = MISSING


UNKNOWN_ITERATION_WHY = "count/for_each is not known statically"


@dataclass
class Expansion:
    """The instances of a resource or module call: keys in order, or unknown."""

    keys: list[Any] | None  # None: not known statically
    kind: str = ""  # "count" | "for_each" | ""
    values: dict[Any, Any] = field(default_factory=dict)  # for_each: key -> each.value
    cause: str = ""  # keys is None: the exact unknown sub-expression of count/for_each, and why

    def iteration(self, key: Any) -> Iteration:
        if self.keys is None:
            unknown = Unknown(UNKNOWN_ITERATION_WHY, cause=self.cause)
            if self.kind == "count":
                return Iteration(count_index=unknown)
            return Iteration(each_key=unknown, each_value=unknown)
        if self.kind == "count":
            return Iteration(count_index=key)
        if self.kind == "for_each":
            return Iteration(each_key=key, each_value=self.values[key])
        return Iteration()


class Loader:
    """Shared state of one load: parsed module configs, caches, the cycle guard."""

    def __init__(self, root_directory: str):
        self.root_directory = root_directory
        self.in_progress: set[tuple] = set()
        self.cache: dict[tuple, Any] = {}
        self.file_reads: list = []  # reads.Read of file()/templatefile() (recorded when a recording is on)
        # (module instance, call name) -> (Expansion, {key: ModuleInstance}), or a string saying why
        # the call cannot be followed. Set by the directory loader, which knows where sources are.
        self.build_call: Callable[["ModuleInstance", str], Any] = lambda module, name: "not followed"

    def guarded(self, key: tuple, compute) -> Any:
        if key in self.cache:
            return self.cache[key]
        if key in self.in_progress:
            CYCLES_MET[0] += 1
            return _CYCLE
        self.in_progress.add(key)
        try:
            value = compute()
        finally:
            self.in_progress.discard(key)
        self.cache[key] = value
        return value


_CYCLE = Unknown("reference cycle", cause="a reference cycle (Terraform rejects it too)")
# Reference cycles met so far in this process. Where a cycle is cut depends on which value was
# asked for first, so a load that meets one depends on the order of its work: it is not divided
# between processes nor kept by the declaration cache (validator/loaders/deltas.py).
CYCLES_MET = [0]


class ModuleInstance:
    """One instance of a module: the root, `module.app`, or `module.svc["a"]`."""

    def __init__(
        self,
        loader: Loader,
        config: ModuleConfig,
        address: str,
        *,
        parent: "ModuleInstance | None" = None,
        call: Block | None = None,
        call_iteration: Iteration | None = None,
        root_values: dict[str, Any] | None = None,
        expansion_unknown: bool = False,
        expansion_cause: str = "",
    ):
        self.loader = loader
        self.config = config
        self.address = address  # "" for the root, else 'module.a' / 'module.a["k"].module.b'
        self.parent = parent
        self.call = call
        self.call_iteration = call_iteration or Iteration()
        self.root_values = root_values or {}
        # Inside a module call whose count/for_each is unknown: every resource's count is unknown.
        self.expansion_unknown = expansion_unknown
        self.expansion_cause = expansion_cause  # why the instances of the enclosing call are unknown
        # Manifest key of this instance's call path ("svc.inner"), as `terraform init` records it.
        self.key_path = ""
        self.depth = 0 if parent is None else parent.depth + 1
        # name -> (Expansion, {key: ModuleInstance}) or None (not followed); built on first use, so that
        # a call's for_each may read another call's outputs whatever their order in the files.
        self._children: dict[str, tuple[Expansion, dict[Any, "ModuleInstance"]] | str] = {}
        # (resource local address, instance key) -> {member name: value}: the evaluation cache of
        # resource members, one small dict per resource instance (a cache entry per member, keyed by
        # a 5-tuple, was a fifth of the loader's memory in a monorepo). Locations wait in
        # _member_locations until resource_values takes them.
        self._members: dict[tuple[str, Any], dict[str, Any]] = {}
        self._member_locations: dict[tuple[str, Any, str], dict[str, Location]] = {}

    def child(self, name: str) -> tuple[Expansion, dict[Any, "ModuleInstance"]] | str:
        """The instances of module call `name`, or why the loader cannot follow it."""
        if name not in self._children:
            built = self.loader.guarded(("call", self.address, name), lambda: self.loader.build_call(self, name))
            if built is _CYCLE:  # not cached: the call is still being built
                return "its count or for_each refers to its own outputs (a cycle Terraform rejects)"
            self._children[name] = built
        return self._children[name]

    # -- naming ------------------------------------------------------------------------------

    def absolute(self, local_address: str) -> str:
        return f"{self.address}.{local_address}" if self.address else local_address

    def evaluator(self, block: Block, iteration: Iteration | None = None) -> Evaluator:
        return Evaluator(_Scope(self, iteration or Iteration()), block.source)

    # -- variables, locals, outputs ----------------------------------------------------------

    def variable(self, name: str, text: str) -> Any:
        return self.loader.guarded(("var", self.address, name), lambda: self._variable(name, text))

    def _variable(self, name: str, text: str) -> Any:
        declaration = self.config.variables.get(name)
        if declaration is None:
            return Invalid(f"{text}: no variable {name!r} is declared")
        where = self.absolute(f"var.{name}")
        value: Any = MISSING
        if self.parent is None:
            if name in self.root_values:
                value = self.root_values[name]
        elif self.call is not None and name in self.call.attributes:
            argument = self.call.attributes[name]
            value = self.parent.evaluator(self.call, self.call_iteration).attribute(argument)
        if value is None and not _nullable(declaration, self.evaluator(declaration)):
            value = MISSING  # `nullable = false`: a null from the caller means "use the default"
        if value is MISSING:
            if "default" not in declaration.attributes:
                if self.parent is None:
                    why = "a root module variable without default, set by no --var, --var-file or tfvars file"
                else:
                    why = f"the module call {self.address} does not set it and it has no default"
                return Unknown(f"{where} has no value", cause=f"{where}: {why}")
            value = self.evaluator(declaration).attribute(declaration.attributes["default"])
        return self._convert(declaration, where, value)

    def _convert(self, declaration: Block, where: str, value: Any) -> Any:
        """The value converted to the variable's declared type, as Terraform does."""
        kind = self.loader.guarded(("type", id(declaration)), lambda: declared_type(declaration))
        if kind is None or kind is _CYCLE:
            return value
        try:
            return convert(value, kind)
        except ConversionError as error:
            message = f"{where}: Terraform rejects this value ({error})"
            return Invalid(message, cause=message)

    def local(self, name: str, text: str) -> Any:
        attribute = self.config.locals.get(name)
        if attribute is None:
            return Invalid(f"{text}: no local value {name!r}")
        block = self.config.local_blocks[name]
        return self.loader.guarded(
            ("local", self.address, name), lambda: self.evaluator(block).attribute(attribute)
        )

    def output(self, name: str, text: str) -> Any:
        block = self.config.outputs.get(name)
        if block is None or "value" not in block.attributes:
            return Invalid(f"{text}: no output {name!r}")
        return self.loader.guarded(
            ("output", self.address, name),
            lambda: self.evaluator(block).attribute(block.attributes["value"]),
        )

    def read_file(self, path: str) -> str | None:
        candidate = path if os.path.isabs(path) else os.path.join(self.loader.root_directory, path)
        mark = reads.recorded_so_far()
        try:
            return read_text(candidate)
        except (OSError, UnicodeDecodeError):
            return None
        finally:
            # What file()/templatefile() read: a value computed once may be used by many declarations,
            # so the declaration cache checks every such read of the last run (declaration_cache.py).
            self.loader.file_reads.extend(reads.recorded_since(mark))

    # -- resources ---------------------------------------------------------------------------

    def expansion(self, decl: ResourceDecl) -> Expansion:
        key = ("expansion", self.address, decl.local_address)
        return self.loader.guarded(key, lambda: self._expansion(decl.block))

    def _expansion(self, block: Block) -> Expansion:
        if self.expansion_unknown:
            kind = "count" if "count" in block.attributes else "for_each" if "for_each" in block.attributes else ""
            if kind:
                return Expansion(None, kind, cause=self.expansion_cause)
        return expand(block, self.evaluator(block))

    def member(self, decl: ResourceDecl, key: Any, name: str) -> Any:
        """The value of one top-level attribute or nested block type of a resource instance.

        MISSING when the configuration does not set it (a computed attribute such as `arn`).
        """
        return self._member(decl, key, name)[0]

    def _member(self, decl: ResourceDecl, key: Any, name: str, *, with_locations: bool = False) -> tuple[Any, dict[str, Location]]:
        members = self._members.get((decl.local_address, key))
        if members is None:
            members = self._members[(decl.local_address, key)] = {}
        if name not in members:
            in_progress = ("member", self.address, decl.local_address, key, name)
            if in_progress in self.loader.in_progress:
                CYCLES_MET[0] += 1
                return _CYCLE, {}
            self.loader.in_progress.add(in_progress)
            try:
                value, locations = self._evaluate_member(decl, key, name)
            finally:
                self.loader.in_progress.discard(in_progress)
            members[name] = value
            if locations:
                self._member_locations[(decl.local_address, key, name)] = locations
        value = members[name]
        if not with_locations:
            return value, {}
        # The resource takes its members' locations once (resource_values); references need only the
        # value. Taken already: evaluated again, the same way.
        locations = self._member_locations.pop((decl.local_address, key, name), None)
        if locations is None and value is not MISSING:
            return self._evaluate_member(decl, key, name)
        return value, locations or {}

    def _evaluate_member(self, decl: ResourceDecl, key: Any, name: str) -> tuple[Any, dict[str, Location]]:
        if name in RESOURCE_META or name in RESOURCE_META_BLOCKS or name not in decl.member_names:
            return MISSING, {}
        locations: dict[str, Location] = {}
        evaluator = self.evaluator(decl.block, self.expansion(decl).iteration(key))
        return body_member(decl.block, name, evaluator, "", locations), locations

    def resource_values(self, decl: ResourceDecl, key: Any) -> tuple[dict[str, Any], dict[str, Location]]:
        """Plan-shaped values of one instance, and the location of every attribute and block."""
        values: dict[str, Any] = {}
        locations: dict[str, Location] = {}
        for name in member_names(decl.block):  # in order of appearance (the model's values keep it)
            if name in RESOURCE_META or name in RESOURCE_META_BLOCKS:
                continue
            value, member_locations = self._member(decl, key, name, with_locations=True)
            locations.update(member_locations)
            if value is not MISSING:
                values[name] = value
        locations.update(lifecycle_locations(decl.block))
        return values, locations

    def reference_resource(self, decl: ResourceDecl, steps: list[Step], text: str) -> Any:
        expansion = self.expansion(decl)
        if expansion.keys is None:
            # The instance count is unknown: the model has one resource without a key.
            if steps and steps[0][0] == "index":
                steps = steps[1:]
            elif steps and steps[0][0] == "splat":
                return Unknown(text, cause=expansion.cause)
            return self._resolve(decl, NO_KEY, steps, text, expansion)
        if not expansion.kind:
            if steps and steps[0][0] == "splat":  # a splat on a single object is a one-element list
                return [self._resolve(decl, NO_KEY, steps[1:], text, expansion)]
            return self._resolve(decl, NO_KEY, steps, text, expansion)
        if not steps:
            instances = {k: Ref(self.absolute(decl.local_address + instance_suffix(k))) for k in expansion.keys}
            return list(instances.values()) if expansion.kind == "count" else instances
        kind, key = steps[0]
        if kind == "index":
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            if expansion.kind == "count" and isinstance(key, str) and key.isdigit():
                key = int(key)
            if key not in expansion.keys:
                return Invalid(f"{text}: no instance {key!r}")
            return self._resolve(decl, key, steps[1:], text, expansion)
        if kind == "splat" and expansion.kind == "count":
            return [self._resolve(decl, k, steps[1:], text, expansion) for k in expansion.keys]
        return Invalid(f"{text}: a splat on a resource with for_each (Terraform rejects it)")

    def _resolve(self, decl: ResourceDecl, key: Any, steps: list[Step], text: str, expansion: Expansion) -> Any:
        address = self.absolute(decl.local_address + instance_suffix(key))
        if not steps:
            return Ref(address)
        kind, name = steps[0]
        if kind != "attr":
            return Invalid(text)
        path = _dotted(steps)
        value = self.member(decl, key, name)
        # An argument set to null is an argument not set: the provider may compute it (`name = null`
        # next to `name_prefix`), so its value is the object's, known after apply.
        if value is MISSING or value is _CYCLE or value is None:
            if path is not None:
                return Ref(address, path)
            return Unknown(text, cause=f"{address}.{name}: known only after apply (set by the provider)")
        result = apply_steps(value, steps[1:], text)
        if is_known(result) or isinstance(result, (Invalid, JsonDocument)):
            return result
        if path is None:
            return result if isinstance(result, Unknown) else Unknown(text, cause=cause_of(result))
        return Ref(address, path)

    # -- module calls ------------------------------------------------------------------------

    def reference_module(self, name: str, steps: list[Step], text: str) -> Any:
        if name not in self.config.modules:
            return Invalid(f"{text}: no module call {name!r}")
        built = self.child(name)
        if isinstance(built, str):  # a module we could not follow (e.g. not on disk)
            return Unknown(text, cause=f"{self.absolute(f'module.{name}')}: {built}")
        expansion, instances = built
        if expansion.keys is None:
            if steps and steps[0][0] == "index":
                steps = steps[1:]
            elif steps and steps[0][0] == "splat":
                return Unknown(text, cause=expansion.cause)
            return _module_value(instances[NO_KEY], steps, text)
        if not expansion.kind:
            return _module_value(instances[NO_KEY], steps, text)
        if not steps:
            objects = {k: _module_value(instance, [], text) for k, instance in instances.items()}
            return list(objects.values()) if expansion.kind == "count" else objects
        kind, key = steps[0]
        if kind == "index":
            if expansion.kind == "count" and isinstance(key, str) and key.isdigit():
                key = int(key)
            if key not in instances:
                return Invalid(f"{text}: no instance {key!r}")
            return _module_value(instances[key], steps[1:], text)
        if kind == "splat" and expansion.kind == "count":
            return [_module_value(instance, steps[1:], text) for instance in instances.values()]
        return Invalid(f"{text}: a splat on a module call with for_each (Terraform rejects it)")


def _module_value(instance: ModuleInstance, steps: list[Step], text: str) -> Any:
    if not steps:
        return {name: instance.output(name, text) for name in instance.config.outputs}
    kind, name = steps[0]
    if kind != "attr":
        return Invalid(text)
    return apply_steps(instance.output(name, text), steps[1:], text)


def _dotted(steps: list[Step]) -> str | None:
    parts = []
    for kind, key in steps:
        if kind == "splat" or isinstance(key, bool) or not isinstance(key, (str, int, float)):
            return None
        parts.append(str(int(key)) if isinstance(key, float) else str(key))
    return ".".join(parts)


class _Scope:
    """What a reference means inside one module instance (and one resource instance)."""

    def __init__(self, module: ModuleInstance, iteration: Iteration):
        self.module = module
        self.iteration = iteration

    def read_file(self, path: str) -> str | None:
        return self.module.read_file(path)

    def reference(self, root: str, steps: list[Step], text: str) -> Any:
        module = self.module
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if root == "var":
            return apply_steps(module.variable(first, text), steps[1:], text) if first else Invalid(text)
        if root == "local":
            return apply_steps(module.local(first, text), steps[1:], text) if first else Invalid(text)
        if root == "count":
            if first != "index" or self.iteration.count_index is MISSING:
                return Invalid(text)
            return apply_steps(self.iteration.count_index, steps[1:], text)
        if root == "each":
            value = {"key": self.iteration.each_key, "value": self.iteration.each_value}.get(first, MISSING)
            if value is MISSING:
                return Invalid(text)
            return apply_steps(value, steps[1:], text)
        if root == "path":
            # As Terraform run in the root directory has them: path.root is ".", path.module is
            # relative to it ("modules/app"), path.cwd is absolute. file() reads relative paths from
            # the root directory, so "${path.module}/p.json" works whatever directory tfbg runs in.
            root_directory = module.loader.root_directory
            paths = {
                "module": os.path.relpath(module.config.directory or root_directory, root_directory),
                "root": ".",
                "cwd": os.path.abspath(root_directory),
            }
            return paths.get(first, Invalid(text)) if len(steps) == 1 else Invalid(text)
        if root == "terraform":
            return "default" if first == "workspace" else Unknown(text, cause=f"{text}: not known statically")
        if root == "module":
            return module.reference_module(first, steps[1:], text) if first else Invalid(text)
        if root == "data":
            if len(steps) < 2 or steps[1][0] != "attr":
                return Invalid(text)
            decl = module.config.resources.get(("data", first, steps[1][1]))
            return module.reference_resource(decl, steps[2:], text) if decl else Invalid(text)
        if root == "self":
            return Unknown(text, cause=f"{text}: known only when the provisioner runs")
        if first is not None:
            decl = module.config.resources.get(("managed", root, first))
            if decl is not None:
                return module.reference_resource(decl, steps[1:], text)
        return Invalid(f"{text}: not declared")


# -- expansion -------------------------------------------------------------------------------


def expand(block: Block, evaluator: Evaluator) -> Expansion:
    """The instance keys of a resource or module block from its count / for_each."""
    if "count" in block.attributes:
        count = evaluator.attribute(block.attributes["count"])
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return Expansion(list(range(count)), "count")
        return Expansion(None, "count", cause=_expansion_cause(block, "count", count, evaluator))
    if "for_each" in block.attributes:
        collection = evaluator.attribute(block.attributes["for_each"])
        if isinstance(collection, dict):
            keys = sorted(collection)
            return Expansion(keys, "for_each", {k: collection[k] for k in keys})
        if isinstance(collection, list) and all(isinstance(k, str) for k in collection):
            keys = sorted(set(collection))
            return Expansion(keys, "for_each", {k: k for k in keys})
        return Expansion(None, "for_each", cause=_expansion_cause(block, "for_each", collection, evaluator))
    return Expansion([NO_KEY])


def _expansion_cause(block: Block, kind: str, value: Any, evaluator: Evaluator) -> str:
    attribute = block.attributes[kind]
    text = evaluator.for_attribute(attribute).text(attribute.expr)
    if isinstance(value, Invalid):
        return value.cause or f"{kind} = {text}: {value.why} (Terraform rejects it)"
    cause = cause_of(value)
    if cause:
        return cause
    if kind == "for_each" and isinstance(value, list):
        return f"for_each = {text}: a list holding values that are not strings (Terraform wants a set of strings or a map)"
    return f"{kind} = {text}: not a whole number" if kind == "count" else f"for_each = {text}: not a set or map"


# -- plan-shaped values of a block body ------------------------------------------------------


def body_member(block: Block, name: str, evaluator: Evaluator, prefix: str, locations: dict | None) -> Any:
    """The value of attribute `name`, or the list of nested `name` blocks (static and dynamic)."""
    if name in block.attributes:
        attribute = block.attributes[name]
        if locations is not None:
            # Interned: every resource of a type has the same paths.
            locations[sys.intern(prefix + name)] = Location(attribute.file or block.file, attribute.line)
        return evaluator.attribute(attribute)
    elements: list[Any] = []
    found = False
    for nested in block.blocks:
        if nested.type == name:
            found = True
            index = len(elements)
            if locations is not None:
                locations[sys.intern(f"{prefix}{name}.{index}")] = Location(nested.file, nested.line)
            elements.append(body_values(nested, evaluator, f"{prefix}{name}.{index}.", locations))
        elif nested.type == "dynamic" and nested.labels and nested.labels[0] == name:
            found = True
            generated = _dynamic(nested, evaluator, f"{prefix}{name}.", len(elements), locations)
            if isinstance(generated, Unknown):
                return generated
            elements.extend(generated)
    return elements if found else MISSING


def body_values(block: Block, evaluator: Evaluator, prefix: str, locations: dict | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in member_names(block):
        value = body_member(block, name, evaluator, prefix, locations)
        if value is not MISSING:
            values[name] = value
    return values


def _dynamic(block: Block, evaluator: Evaluator, prefix: str, start: int, locations: dict | None):
    name = block.labels[0]
    iterator = name
    if "iterator" in block.attributes:
        iterator_attribute = block.attributes["iterator"]
        iterator = evaluator.for_attribute(iterator_attribute).text(iterator_attribute.expr).strip()
    contents = block.blocks_of("content")
    if "for_each" not in block.attributes or len(contents) != 1:
        why = f'dynamic "{name}" without for_each or content'
        return Invalid(why, cause=f"{why} (Terraform rejects it)")
    for_each = block.attributes["for_each"]
    collection = evaluator.attribute(for_each)
    if isinstance(collection, dict):
        pairs = sorted(collection.items())  # in key order, as Terraform generates the blocks
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        text = evaluator.for_attribute(for_each).text(for_each.expr)
        why = f'dynamic "{name}": for_each = {text}'
        if isinstance(collection, Invalid):
            return Invalid(why, cause=collection.cause or f"{collection.why} (Terraform rejects it)")
        if collection is None:
            return Invalid(why, cause=f"{why}: for_each is null (Terraform rejects it)")
        cause = cause_of(collection) or f"{text}: not a list, set or map"
        return Unknown(why, cause=cause)
    content = contents[0]
    generated = []
    for offset, (key, value) in enumerate(pairs):
        index = start + offset
        inner = evaluator.with_names({iterator: {"key": key, "value": value}})
        if locations is not None:
            locations[f"{prefix}{index}"] = Location(content.file, content.line)
        generated.append(body_values(content, inner, f"{prefix}{index}.", locations))
    return generated


# -- variables -------------------------------------------------------------------------------


def variable_type(declaration: Block) -> str:
    attribute = declaration.attributes.get("type")
    if attribute is None:
        return "any"
    source = attribute.source or declaration.source
    return " ".join(source[_span(attribute.expr)].split()) or "any"


def _span(expr: Any) -> slice:
    found = span(expr) if isinstance(expr, (Tree, Token)) else None
    return slice(found[0], found[1]) if found else slice(0, 0)


def declared_type(declaration: Block) -> Type | None:
    """The variable's `type` constraint (None: no constraint tfbg reads, the value is used as given)."""
    attribute = declaration.attributes.get("type")
    if attribute is None:
        return None
    literal = Evaluator(_NoReferences(), attribute.source or declaration.source)
    return parse_type(attribute.expr, literal.eval)


def _nullable(declaration: Block, evaluator: Evaluator) -> bool:
    attribute = declaration.attributes.get("nullable")
    return attribute is None or evaluator.attribute(attribute) is not False


# -- lifecycle -------------------------------------------------------------------------------


def lifecycle_locations(block: Block) -> dict[str, Location]:
    """Where `lifecycle` and its `ignore_changes` are written ("lifecycle.0", "lifecycle.0.ignore_changes"):
    rules about a missing ignore report there. Not values: Terraform interprets lifecycle itself."""
    locations: dict[str, Location] = {}
    for index, lifecycle in enumerate(block.blocks_of("lifecycle")):
        locations[f"lifecycle.{index}"] = Location(lifecycle.file, lifecycle.line)
        attribute = lifecycle.attributes.get("ignore_changes")
        if attribute is not None:
            locations[f"lifecycle.{index}.ignore_changes"] = Location(attribute.file or lifecycle.file, attribute.line)
    return locations


def ignore_changes(block: Block, evaluator: Evaluator) -> frozenset[str] | str:
    """`lifecycle { ignore_changes = [...] }` normalised: "all" or a set of dotted paths."""
    paths: set[str] = set()
    for lifecycle in block.blocks_of("lifecycle"):
        attribute = lifecycle.attributes.get("ignore_changes")
        if attribute is None:
            continue
        own = evaluator.for_attribute(attribute)
        if own.text(attribute.expr).strip() == "all":
            return "all"
        for element in _elements(attribute.expr):
            path = _traversal_path(element, own)
            if path == "*":  # Terraform < 0.12 spelling of `all`
                return "all"
            if path:
                paths.add(path)
    return frozenset(paths)


def create_before_destroy(block: Block, evaluator: Evaluator) -> bool:
    """`lifecycle { create_before_destroy = true }` (Terraform requires a literal there)."""
    for lifecycle in block.blocks_of("lifecycle"):
        attribute = lifecycle.attributes.get("create_before_destroy")
        if attribute is not None and evaluator.attribute(attribute) is True:
            return True
    return False


def _elements(expr: Any) -> Iterator[Any]:
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "tuple":
        for child in node.children:
            if isinstance(child, Tree) and child.data != "new_line_or_comment":
                yield child


def _traversal_path(node: Any, evaluator: Evaluator) -> str | None:
    """`action[0].forward[0].target_group` -> "action.0.forward.0.target_group"; `tags["x"]` -> "tags.x"."""
    parts: list[str] = []
    current = node
    while isinstance(current, Tree):
        kind = current.data
        if kind == "expr_term":
            subtrees = [c for c in current.children if isinstance(c, Tree)]
            if len(subtrees) != 1:
                return None
            current = subtrees[0]
        elif kind in ("get_attr_expr_term", "index_expr_term"):
            base, operation = current.children[0], current.children[1]
            if operation.data == "get_attr":
                parts.insert(0, str(operation.children[-1].children[0]))
            elif operation.data == "short_index":
                parts.insert(0, str(operation.children[1]))
            else:
                key = Evaluator(_NoReferences(), evaluator.source).eval(
                    [c for c in operation.children if isinstance(c, Tree)][0]
                )
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    return None
                parts.insert(0, str(key))
            current = base
        elif kind == "identifier":
            parts.insert(0, str(current.children[0]))
            return ".".join(parts)
        elif kind == "string":
            value = Evaluator(_NoReferences(), evaluator.source).eval(current)
            return value if isinstance(value, str) and not parts else None
        else:
            return None
    return None


class _NoReferences:
    def reference(self, root: str, steps: list[Step], text: str) -> Any:
        return Unknown(text)
