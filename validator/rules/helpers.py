"""Readers shared by the rule modules, so that each fact is read one way everywhere:

- the service side: strategy, controller, booleans, `load_balancer` entries and their target groups;
- following values to resources: same object or not, the type of load balancer behind an ARN, a
  listener, or a production/test "rule";
- forward actions of listener rules and listeners, and the target groups they name.

Every helper works on the shared model only (values, Ref, Unknown, Model.resolve), so it serves both
loaders. Three-valued answers use None for "cannot tell statically".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from validator.model import Model, Ref, Resource, Unknown, is_absent, to_number

# Resource types and their aws_alb* aliases (the provider registers both names for one schema).
LB_TYPES = ("aws_lb", "aws_alb")
LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
LISTENER_RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")
TARGET_GROUP_TYPES = ("aws_lb_target_group", "aws_alb_target_group")

NON_ROLLING_STRATEGIES = ("BLUE_GREEN", "LINEAR", "CANARY")

_INDEX = re.compile(r"\[[^\]]*\]$")


def unresolved(value: Any) -> bool:
    return isinstance(value, (Ref, Unknown))


def type_of_address(address: str) -> str:
    """`module.a.data.aws_lb_listener.x[0]` -> `aws_lb_listener` (the type named in an address)."""
    parts = [p for p in address.split(".")]
    # Drop module steps ("module", name) pairs and a leading "data".
    while len(parts) >= 2 and parts[0] == "module":
        parts = parts[2:]
    if parts and parts[0] == "data":
        parts = parts[1:]
    return _INDEX.sub("", parts[0]) if parts else ""


def describe(value: Any) -> str:
    """A value as the user wrote it, for messages: a reference, a literal, or why it is unknown."""
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


# -- the service side --------------------------------------------------------------------------


def strategy_of(service: Resource) -> Any:
    """`deployment_configuration[0].strategy`: a string, None when not written, or Ref/Unknown."""
    value = service.get("deployment_configuration.0.strategy")
    return None if is_absent(value) else value


def controller_of(service: Resource) -> Any:
    """`deployment_controller[0].type`, defaulting to ECS when the block or attribute is absent."""
    value = service.get("deployment_controller.0.type")
    return "ECS" if is_absent(value) else value


def is_true(value: Any) -> bool | None:
    """True/False for a known bool (absent = False; plan JSON may write "true"), None when unknown."""
    if unresolved(value):
        return None
    if is_absent(value):
        return False
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_non_rolling(strategy: Any) -> bool | None:
    if strategy is None:
        return False
    if isinstance(strategy, str):
        return strategy in NON_ROLLING_STRATEGIES
    return None


@dataclass(frozen=True)
class LoadBalancerEntry:
    """One `load_balancer` block of a service, with the attribute paths rules report at."""

    index: int
    values: dict

    @property
    def path(self) -> str:
        return f"load_balancer.{self.index}"

    def attr_path(self, attribute: str) -> str:
        return f"{self.path}.{attribute}"

    @property
    def advanced(self) -> Any:
        """The `advanced_configuration[0]` dict, None when absent, or Unknown."""
        value = self.values.get("advanced_configuration")
        if isinstance(value, (Ref, Unknown)):
            return value
        if is_absent(value) or not isinstance(value, list) or not value:
            return None
        first = value[0]
        return first if isinstance(first, (dict, Ref, Unknown)) else None

    def advanced_path(self, attribute: str = "") -> str:
        base = f"{self.path}.advanced_configuration.0"
        return f"{base}.{attribute}" if attribute else base

    def advanced_value(self, attribute: str) -> Any:
        advanced = self.advanced
        if isinstance(advanced, dict):
            value = advanced.get(attribute)
            return None if is_absent(value) else value
        return advanced  # None or Unknown/Ref

    @property
    def target_group(self) -> Any:
        value = self.values.get("target_group_arn")
        return None if is_absent(value) else value

    @property
    def elb_name(self) -> Any:
        value = self.values.get("elb_name")
        return None if is_absent(value) else value

    def target_groups(self) -> list[tuple[str, Any, str]]:
        """(attribute, value, path) of `target_group_arn` and, with a readable advanced_configuration,
        `alternate_target_group_arn`: the ones that are set."""
        pairs = [("target_group_arn", self.target_group, self.attr_path("target_group_arn"))]
        if isinstance(self.advanced, dict):
            attribute = "alternate_target_group_arn"
            pairs.append((attribute, self.advanced_value(attribute), self.advanced_path(attribute)))
        return [(attribute, value, path) for attribute, value, path in pairs if value is not None]


def load_balancers(service: Resource) -> list[LoadBalancerEntry] | Unknown:
    """The service's `load_balancer` blocks (empty when none); Unknown when the set itself is."""
    value = service.get("load_balancer")
    if isinstance(value, (Ref, Unknown)):
        return value if isinstance(value, Unknown) else Unknown(str(value))
    if is_absent(value) or not isinstance(value, list):
        return []
    return [LoadBalancerEntry(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)]


# -- following values to resources -------------------------------------------------------------


def resolve_resource(model: Model, value: Any) -> Resource | Unknown | None:
    """Model.resolve (indexed there, so cheap per call); the rule modules import it from here."""
    return model.resolve(value)


def kind_of(model: Model, value: Any) -> str | Unknown | None:
    """The resource type a value names: from the resolved resource, else from a Ref's address.
    None when it names nothing in the model (e.g. a literal ARN of a resource managed elsewhere)."""
    resolved = resolve_resource(model, value)
    if isinstance(resolved, Resource):
        return resolved.type
    if isinstance(value, Ref):
        return type_of_address(value.address)
    if isinstance(resolved, Unknown):
        return resolved
    return None


def same_object(model: Model, a: Any, b: Any) -> bool | None:
    """Do two values name the same object (a target group, a rule)? None when it cannot be told."""
    if a is None or b is None:
        return None
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    if isinstance(a, Ref) and isinstance(b, Ref) and a.address == b.address and a.attribute == b.attribute:
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    ra, rb = resolve_resource(model, a), resolve_resource(model, b)
    if isinstance(ra, Resource) and isinstance(rb, Resource):
        if ra.address == rb.address:
            return True
        if ra.mode == "managed" and rb.mode == "managed":
            return False  # two objects this configuration creates
        # A data source reads an object that exists elsewhere: it may be the one another
        # data source (or resource) names.
    return None


def lb_type_of_arn(arn: str) -> str | None:
    """`...:loadbalancer/app/...` or `...:listener/net/...` -> application / network."""
    match = re.search(r":(?:loadbalancer|listener|listener-rule)/(app|net|gwy)/", arn)
    if not match:
        return None
    return {"app": "application", "net": "network", "gwy": "gateway"}[match.group(1)]


def load_balancer_type(model: Model, lb_value: Any) -> str | Unknown | None:
    """The `load_balancer_type` of the load balancer a value names (default "application")."""
    if isinstance(lb_value, str):
        from_arn = lb_type_of_arn(lb_value)
        if from_arn:
            return from_arn
    resolved = resolve_resource(model, lb_value)
    if isinstance(resolved, Resource) and resolved.type in LB_TYPES:
        kind = resolved.get("load_balancer_type")
        if is_absent(kind):
            return "application"
        return kind if isinstance(kind, str) else Unknown(f"{resolved.address}.load_balancer_type")
    if isinstance(resolved, Unknown):
        return resolved
    if isinstance(lb_value, Unknown):
        return lb_value
    if isinstance(lb_value, Ref):
        return Unknown(str(lb_value))
    return None


# Listener protocols exist on one load balancer type only (ELBv2 CreateListener "Protocol").
_PROTOCOL_LB_TYPE = {
    "HTTP": "application", "HTTPS": "application",
    "TCP": "network", "UDP": "network", "TLS": "network", "TCP_UDP": "network", "QUIC": "network", "TCP_QUIC": "network",
    "GENEVE": "gateway",
}


def listener_lb_type(model: Model, listener: Resource) -> str | Unknown | None:
    """The type of the load balancer behind a listener: from its ARN, the `load_balancer_arn` it
    names, or else its `protocol` (HTTP/HTTPS only on ALBs, TCP/UDP/TLS only on NLBs)."""
    if isinstance(listener.get("arn"), str):
        from_arn = lb_type_of_arn(listener.get("arn"))
        if from_arn:
            return from_arn
    value = listener.get("load_balancer_arn")
    found = Unknown(f"{listener.address}.load_balancer_arn") if is_absent(value) else load_balancer_type(model, value)
    if isinstance(found, str):
        return found
    protocol = listener.get("protocol")
    if isinstance(protocol, str) and protocol.upper() in _PROTOCOL_LB_TYPE:
        return _PROTOCOL_LB_TYPE[protocol.upper()]
    return found


def listener_of_rule(model: Model, rule: Resource) -> Resource | Unknown | None:
    value = rule.get("listener_arn")
    if is_absent(value):
        return None
    return resolve_resource(model, value)


def shifted_lb_type(model: Model, value: Any) -> str | Unknown | None:
    """The type of load balancer behind a `production_listener_rule` / `test_listener_rule` value:
    "application" for a listener rule (only ALBs have rules), the listener's load balancer type for a
    listener (NLB). Unknown when the value cannot be followed; None when it names something else."""
    if value is None:
        return None
    if isinstance(value, str) and lb_type_of_arn(value):
        return lb_type_of_arn(value)
    target = resolve_resource(model, value)
    if isinstance(target, Unknown):
        return target
    if target is None:
        return None if isinstance(value, str) else Unknown(str(value))
    if target.type in LISTENER_RULE_TYPES:
        return "application"
    if target.type in LISTENER_TYPES:
        return listener_lb_type(model, target)
    return None


# -- forward actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardTarget:
    """A target group an action forwards to. weight None = the single top-level target_group_arn."""

    arn: Any
    weight: Any
    path: str  # attribute path inside the rule/listener


@dataclass
class Forwards:
    targets: list[ForwardTarget]
    unknown: Unknown | None = None  # set when some action could not be read statically

    @property
    def complete(self) -> bool:
        return self.unknown is None


def actions_attribute(resource: Resource) -> str:
    """Listener rules have `action`; listeners (NLB "rules") have `default_action`."""
    return "default_action" if resource.type in LISTENER_TYPES else "action"


def forward_actions(resource: Resource) -> Iterator[tuple[str, dict | Unknown]]:
    """(path, action) for each forward action of a listener rule's `action` or a listener's
    `default_action`; (path, Unknown) for an action, or the whole list, that cannot be read statically
    (an action whose type is unknown may be a forward). A forward block on another action type is
    ignored by the provider, and so here."""
    attribute = actions_attribute(resource)
    actions = resource.get(attribute)
    if unresolved(actions):
        yield attribute, Unknown(f"{resource.address}.{attribute}")
        return
    if not isinstance(actions, list):
        return  # absent (or not a block list at all)
    for i, action in enumerate(actions):
        path = f"{attribute}.{i}"
        if not isinstance(action, dict):
            yield path, Unknown(f"{resource.address}.{path}")
        elif unresolved(action.get("type")):
            yield path, Unknown(f"{resource.address}.{path}.type")
        elif action.get("type") == "forward":
            yield path, action


def forward_targets(resource: Resource) -> Forwards:
    """Target groups forwarded to by a listener rule's `action` or a listener's `default_action`:
    `forward[0].target_group[*].{arn,weight}` (weight default 1) or the top-level
    `target_group_arn` of a forward action."""
    result = Forwards([])
    for path, action in forward_actions(resource):
        if isinstance(action, Unknown):
            result.unknown = action
            continue
        groups = forward_groups(action)
        if isinstance(groups, Unknown):
            result.unknown = Unknown(f"{resource.address}.{path}.{groups.why}")
            continue
        if groups is None:
            arn = action.get("target_group_arn")
            if not is_absent(arn):
                result.targets.append(ForwardTarget(arn, None, f"{path}.target_group_arn"))
            continue
        for j, group in enumerate(groups):
            if not isinstance(group, dict):
                result.unknown = Unknown(f"{resource.address}.{path}.forward[0].target_group")
                continue
            weight = group.get("weight")
            result.targets.append(
                ForwardTarget(group.get("arn"), 1 if is_absent(weight) else weight, f"{path}.forward.0.target_group.{j}")
            )
    return result


def forward_groups(action: dict) -> list | Unknown | None:
    """The `forward[0].target_group` blocks of an action: None without a forward block, [] for a
    forward block without target groups, Unknown when either cannot be read statically."""
    forward = action.get("forward")
    if is_absent(forward):
        return None
    if not isinstance(forward, list) or not isinstance(forward[0], dict):
        return Unknown("forward")
    groups = forward[0].get("target_group")
    if is_absent(groups):
        return []
    return groups if isinstance(groups, list) else Unknown("forward[0].target_group")


def serving_weight(target: ForwardTarget) -> float | None:
    """The weight as a number (a lone top-level target group serves everything: 1)."""
    if target.weight is None:
        return 1
    return to_number(target.weight)


def iter_action_types(resource: Resource) -> Iterator[tuple[int, Any]]:
    attribute = actions_attribute(resource)
    actions = resource.get(attribute)
    if not isinstance(actions, list):
        return
    for i, action in enumerate(actions):
        if isinstance(action, dict):
            yield i, action.get("type")
