"""One model of a Terraform configuration, filled by both loaders (HCL directory and plan JSON).

A rule never knows which loader built the model. Shapes follow plan JSON, because that is the shape
both inputs can reach: nested blocks are lists of dicts (also single blocks: `deployment_controller`
is `[{"type": "ECS"}]`), attribute paths are dotted with list indices
(`load_balancer.0.advanced_configuration.0.role_arn`).

Leaves that are not plain JSON values:
- `Ref`: the value is another object's attribute that is not known before apply
  (`aws_lb_listener_rule.prod.arn`). Rules follow it with `Model.resolve`.
- `Unknown`: the value cannot be known statically (a function call on unknown input, a variable
  without default, a plan's `after_unknown`). A rule that needs it reports "could not prove" as info
  instead of guessing.
- `JsonDocument`: an Unknown JSON string whose decoded structure is known (`jsonencode` with Ref
  leaves); see its docstring.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Literal

MISSING = object()


@dataclass(frozen=True, slots=True)
class Location:
    """Where something stands: a file and 1-based line, or a JSON pointer into a plan file."""

    file: str
    line: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.pointer:
            return f"{self.file}#{self.pointer}"
        return self.file

    def __reduce__(self):
        # Pickled by the hundred thousand (workers' payloads, the declaration cache): as its three
        # fields, 3x faster both ways than the generic state of a frozen slots dataclass.
        return (Location, (self.file, self.line, self.pointer))


@dataclass(frozen=True)
class Ref:
    """A reference to an attribute of another object, e.g. `aws_iam_role.infra.arn`.

    `address` is absolute (module path included, instance key included when one is known);
    `attribute` is the attribute path after the address (`arn`, `json`, `id`), or "" for the whole
    object.
    """

    address: str
    attribute: str = ""
    # False when the reference was inferred from a plan's `references` list, which names what an
    # expression refers to but not how (`aws_x.y.arn` and `"${aws_x.y.arn}/*"` look the same).
    exact: bool = field(default=True, compare=False)

    def __str__(self) -> str:
        return f"{self.address}.{self.attribute}" if self.attribute else self.address


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known statically. `why` is the expression or reason, for messages
    (two Unknowns with the same `why` are the same expression). `cause` is the root of it: the exact
    sub-expression that is not known and why (`data.aws_ssm_parameter.x.value: read by a data source
    when Terraform runs`); many unknown values share one cause, and "could not prove" is reported once
    per cause. Empty when the loader could not tell more than `why`."""

    why: str = ""
    cause: str = field(default="", compare=False, kw_only=True)
    # A string built by interpolation ("${var.name}-infra-${data.aws_region.current.region}"): its known
    # text and its unknown pieces (Ref or Unknown) in order, so a reader can widen only what is unknown.
    parts: tuple = field(default=(), compare=False, kw_only=True)

    def __str__(self) -> str:
        return f"(unknown: {self.why})" if self.why else "(unknown)"


@dataclass(frozen=True)
class JsonDocument(Unknown):
    """A JSON text that is not known before apply, but whose decoded structure is: `jsonencode(x)` or a
    JSON heredoc where only some leaves of x are references (`Resource = aws_lambda_function.hook.arn`).

    `value` is the decoded document (dicts, lists, plain values, Ref/Unknown leaves). It IS an
    Unknown, so code that does not look inside treats it as before (could not prove); readers of JSON
    attributes (the IAM collector) use `value`. A fully known document stays a plain JSON string.
    """

    value: Any = field(default=None, hash=False)


def cause_of(*values: Any) -> str:
    """The cause of the first value that is not known: the exact sub-expression and why. An Unknown
    keeps the cause it was made with (else its `why`); a reference is not known until Terraform
    reads or creates the object. "" when every value is known."""
    return _first_cause(values, recorded_only=False)


def unknown_cause(value: Any) -> str:
    """The recorded cause of the first Unknown inside a value ("" when none has one): what a
    "could not prove" finding about this value is really waiting for. A reference a plan inferred
    (`exact=False`: the value is computed from it somehow) counts as an unknown caused by it; an
    exact reference is a value rules follow, not a cause."""
    return _first_cause([value], recorded_only=True)


def _first_cause(values: Iterable[Any], recorded_only: bool) -> str:
    for value in values:
        if isinstance(value, JsonDocument):
            cause = _first_cause([value.value], recorded_only) or value.cause
        elif isinstance(value, Unknown):
            cause = value.cause or ("" if recorded_only else value.why)
        elif isinstance(value, Ref):
            cause = "" if recorded_only and value.exact else reference_cause(value)
        elif isinstance(value, dict):
            cause = _first_cause(value.values(), recorded_only)
        elif isinstance(value, list):
            cause = _first_cause(value, recorded_only)
        else:
            cause = ""
        if cause:
            return cause
    return ""


def reference_cause(ref: Ref) -> str:
    if ref.address.startswith("data.") or ".data." in ref.address:
        return f"{ref}: read by a data source when Terraform runs"
    return f"{ref}: known only after apply (set by the provider)"


def is_known(value: Any) -> bool:
    """True when the value (recursively) contains no Ref or Unknown."""
    if isinstance(value, (Ref, Unknown)):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def split_path(path: str) -> list[str | int]:
    return list(_split(path))


@functools.lru_cache(maxsize=4096)
def _split(path: str) -> tuple[str | int, ...]:
    # The rules ask for a few hundred distinct paths, hundreds of thousands of times.
    return tuple(int(p) if p.isdigit() else p for p in path.split(".") if p != "")


def get_path(value: Any, path: str | Iterable[str | int], default: Any = None) -> Any:
    """Walk dicts and lists along a dotted path. Stops (returning `default`) at missing keys;
    returns an Unknown/Ref met on the way, because what lies below it is not knowable."""
    parts = _split(path) if isinstance(path, str) else path
    current = value
    for part in parts:
        if isinstance(current, (Ref, Unknown)):
            return current
        if isinstance(part, int) and isinstance(current, list):
            if part >= len(current):
                return default
            current = current[part]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return default
    return current


@dataclass(frozen=True)
class Change:
    """What a plan will do to a resource (plan input only)."""

    actions: tuple[str, ...]  # ("create",), ("update",), ("delete", "create"), ("no-op",) ...
    before: Any = None
    after: Any = None
    replace_paths: tuple[str, ...] = ()


# Data sources Terraform computes from their arguments alone (nothing is read from AWS). Every other
# data source reads an object this configuration does not manage.
COMPUTED_LOCALLY = frozenset({"aws_iam_policy_document", "aws_arn"})


@dataclass
class Resource:
    """A resource or data source instance.

    `ignore_changes` is None when the input cannot tell (plan JSON without `--source`), the string
    "all" for `ignore_changes = all`, else a frozenset of normalised dotted paths
    (`action.0.forward.0.target_group`, `load_balancer`).
    """

    address: str
    type: str
    name: str
    mode: Literal["managed", "data"] = "managed"
    module: str = ""
    index: int | str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    location: Location = field(default_factory=lambda: Location("<unknown>"))
    locations: dict[str, Location] = field(default_factory=dict)
    ignore_changes: frozenset[str] | Literal["all"] | None = frozenset()
    # `lifecycle { create_before_destroy = true }`; None when the input cannot tell (plan JSON).
    create_before_destroy: bool | None = False
    change: Change | None = None
    # Expressions that could be counted on to exist, but whose instance count is not known
    # statically (count/for_each over unknown values). Rules say "could not prove" for these.
    count_unknown: bool = False
    count_cause: str = ""  # with count_unknown: the exact unknown sub-expression and why
    # A data source read from AWS, loaded from HCL: only its arguments are in `values`; whatever
    # else it has (a target group's target_type, a listener's default_action) comes from AWS when
    # Terraform reads it. So an absent attribute is Unknown, never the managed resource's default.
    reads_remote: bool = False

    @property
    def read_from_aws(self) -> bool:
        """A data source that reads an object this configuration does not manage (not one Terraform
        computes locally, like aws_iam_policy_document)."""
        return self.mode == "data" and self.type not in COMPUTED_LOCALLY

    def get(self, path: str, default: Any = None) -> Any:
        value = get_path(self.values, path, default)
        if self.reads_remote and is_absent(value):
            why = f"{self.address}.{path}"
            return Unknown(f"{why} (read from AWS by the data source, not in the configuration)",
                           cause=f"{why}: read from AWS by a data source when Terraform runs")
        return value

    def loc(self, path: str = "") -> Location:
        """The location of an attribute path, or of its nearest enclosing block that has one."""
        parts = split_path(path)
        while parts:
            key = ".".join(str(p) for p in parts)
            if key in self.locations:
                return self.locations[key]
            parts.pop()
        return self.location

    def ignores(self, path: str) -> bool | None:
        """Does `lifecycle.ignore_changes` cover this attribute path? None when unknowable."""
        if self.ignore_changes is None:
            return None
        if self.ignore_changes == "all":
            return True
        wanted = split_path(path)
        for ignored in self.ignore_changes:
            prefix = split_path(ignored)
            if wanted[: len(prefix)] == prefix:
                return True
        return False


@dataclass(frozen=True)
class ProviderRequirement:
    """A `required_providers` entry (HCL) or a plan's `provider_config[*].version_constraint`."""

    name: str  # local name, e.g. "aws"
    source: str  # e.g. "hashicorp/aws" (normalised: no registry host)
    version_constraint: str | None
    location: Location
    module: str = ""


@dataclass
class Diagnostic:
    """A problem with the input itself (parse error, module not on disk). Not a rule finding."""

    message: str
    location: Location
    severity: Literal["error", "warning", "info"] = "error"


@dataclass(frozen=True)
class ModuleCall:
    """A `module` block, also one whose source is not on disk (its resources are skipped, but rules
    still need to know the call is there). `address` is the call path without instance keys
    (`module.alb`, `module.app.module.alb`); `source` as written (`terraform-aws-modules/alb/aws`)."""

    address: str
    source: str
    version: str | None
    location: Location


@dataclass
class Model:
    resources: list[Resource] = field(default_factory=list)
    providers: list[ProviderRequirement] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    kind: Literal["hcl", "plan"] = "hcl"
    # Files that were read, for suppression comments and config excludes.
    files: list[str] = field(default_factory=list)
    # Every module call (HCL `module` blocks; plan `configuration...module_calls`), for rules about
    # what a module's source implies. Empty when the loader does not fill it.
    module_calls: list[ModuleCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_address: dict[str, Resource] | None = None
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute a whole-model fact once (rules that index the model call this per resource)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def add(self, resource: Resource) -> None:
        self.resources.append(resource)
        self._by_address = None
        self._memo.clear()

    def by_type(self, *types: str) -> Iterator[Resource]:
        """The resources of these types, in model order. Indexed once per model: rules and indexes
        ask for one type among thousands of resources."""
        index = self.memo("model.by_type", self._type_index)
        if len(types) == 1:
            return iter(index.get(types[0], ()))
        positions = sorted(p for t in dict.fromkeys(types) for p in index.get(("#", t), ()))
        return iter([self.resources[p] for p in positions])

    def _type_index(self) -> dict[Any, list]:
        index: dict[Any, list] = {}
        for position, resource in enumerate(self.resources):
            index.setdefault(resource.type, []).append(resource)
            index.setdefault(("#", resource.type), []).append(position)
        return index

    def get(self, address: str) -> Resource | None:
        if self._by_address is None:
            self._by_address = {r.address: r for r in self.resources}
        return self._by_address.get(address)

    def instances(self, address: str) -> list[Resource]:
        """All instances of an address written without instance key (`aws_lb.x` -> `aws_lb.x[0]`)."""
        exact = self.get(address)
        if exact is not None:
            return [exact]
        # Indexed once per model: every address prefix that ends before a "[" (rules resolve
        # references per resource; a scan each time is quadratic on large plans).
        return list(self.memo("model.instances", self._instances_index).get(address, ()))

    def _instances_index(self) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = {}
        for resource in self.resources:
            for match in re.finditer(r"\[", resource.address):
                index.setdefault(resource.address[: match.start()], []).append(resource)
        return index

    def resolve(self, value: Any) -> Resource | Unknown | None:
        """Follow a value to the resource it names.

        A `Ref` resolves to the resource at its address (an address without instance key resolves
        when exactly one instance exists). A known string resolves to the resource whose `arn`, `id`
        or `name` equals it. Returns Unknown when the value cannot be followed statically, None when
        it names nothing in the model (for instance an ARN of something managed elsewhere).
        """
        if isinstance(value, Ref):
            found = self.instances(value.address)
            if len(found) == 1:
                return found[0]
            if not found:
                return None
            return Unknown(f"{value.address} has {len(found)} instances")
        if isinstance(value, Unknown):
            return value
        if isinstance(value, str) and value:
            return self.memo("model.by_arn_or_id", self._arn_or_id_index).get(value)
        return None

    def _arn_or_id_index(self) -> dict[str, Resource]:
        """Known `arn` / `id` strings -> the first resource (in model order) that has one of them."""
        index: dict[str, Resource] = {}
        for resource in self.resources:
            for key in ("arn", "id"):
                value = resource.values.get(key)
                if isinstance(value, str) and value:
                    index.setdefault(value, resource)
        return index


def is_absent(value: Any) -> bool:
    """Missing, null and empty mean the same to a rule: HCL omits what plan JSON writes as null or []."""
    return value is None or value == [] or value == "" or value == {}


def to_number(value: Any) -> float | None:
    """A known number, or None. Plan JSON writes the provider's nullable ints as strings ("5", "")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return None
