"""A service's blue/green wiring, followed once per `load_balancer` entry with `advanced_configuration`:
primary and alternate target groups, production and test "rules" (ALB listener rules, or NLB
listeners), and the type of load balancer behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from validator.model import Model, Resource, Unknown
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    LoadBalancerEntry,
    Forwards,
    forward_targets,
    kind_of,
    lb_type_of_arn,
    load_balancers,
    resolve_resource,
    same_object,
    shifted_lb_type,
)

ROLE_ATTRIBUTES = ("production_listener_rule", "test_listener_rule")


@dataclass
class Wiring:
    entry: LoadBalancerEntry
    model: Model

    @property
    def primary(self) -> Any:
        return self.entry.target_group

    @property
    def alternate(self) -> Any:
        return self.entry.advanced_value("alternate_target_group_arn")

    def value(self, role: str) -> Any:
        """`production_listener_rule` / `test_listener_rule` as written (None when omitted)."""
        return self.entry.advanced_value(role)

    def path(self, attribute: str) -> str:
        return self.entry.advanced_path(attribute)

    def resource(self, role: str) -> Resource | Unknown | None:
        """The listener rule or listener the role names, when it is in the model."""
        value = self.value(role)
        if value is None:
            return None
        resolved = resolve_resource(self.model, value)
        return resolved if isinstance(resolved, (Resource, Unknown)) else None

    def lb_type(self, role: str = "production_listener_rule") -> str | Unknown | None:
        """The type of load balancer behind the rule/listener the role names."""
        return shifted_lb_type(self.model, self.value(role))

    def kind(self, role: str) -> str | Unknown | None:
        value = self.value(role)
        return None if value is None else kind_of(self.model, value)

    def names_alb_listener(self, role: str) -> bool:
        """The role names an ALB listener instead of a rule (TFBG110): what it forwards to is moot."""
        value = self.value(role)
        if isinstance(value, str):
            return lb_type_of_arn(value) == "application" and ":listener/" in value
        target = self.resource(role)
        return isinstance(target, Resource) and target.type in LISTENER_TYPES and self.lb_type(role) == "application"

    def misrouted(self) -> bool:
        return any(self.names_alb_listener(role) for role in ROLE_ATTRIBUTES)

    def forwards(self, role: str) -> Forwards | Unknown | None:
        """What the rule/listener forwards to; Unknown when it is not in the model to read."""
        value = self.value(role)
        if value is None:
            return None
        target = self.resource(role)
        if isinstance(target, Resource) and target.type in LISTENER_RULE_TYPES + LISTENER_TYPES:
            return forward_targets(target)
        return Unknown(f"{role} = {value} is not a listener rule or listener declared in this configuration")

    def is_ours(self, arn: Any) -> bool | None:
        """Is a forwarded target group the primary or the alternate? None when it cannot be told."""
        answers = [same_object(self.model, arn, mine) for mine in (self.primary, self.alternate) if mine is not None]
        if True in answers:
            return True
        if None in answers:
            return None
        return False


def wirings(service: Resource, model: Model) -> Iterator[Wiring]:
    """One Wiring per `load_balancer` entry that has a readable `advanced_configuration`."""
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        return
    for entry in entries:
        if isinstance(entry.advanced, dict) and entry.elb_name is None:  # Classic entries: TFBG109
            yield Wiring(entry, model)
