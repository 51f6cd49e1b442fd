"""TFBG125: the production listener rule (ALB) or listener (NLB), as declared, must send its traffic to
the service's primary target group (`load_balancer.target_group_arn`), not to the alternate.

ECS registers the service's tasks in `target_group_arn` when it creates the service. A production rule
declared with weight 100 on the alternate group sends production requests to a group with no registered
targets until the first deployment. After deployments ECS swaps the weights in AWS, but the rules ignore
those changes, so the declared weights are what a configuration can be judged by.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown
from validator.rules.base import Rule
from validator.rules.deployment.wiring import Wiring, wirings
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    ForwardTarget,
    Forwards,
    controller_of,
    is_non_rolling,
    same_object,
    serving_weight,
    strategy_of,
)

PROD = "production_listener_rule"


def weight_text(target: ForwardTarget) -> str:
    return "all traffic (top-level target_group_arn)" if target.weight is None else f"weight {target.weight}"


def serves(target: ForwardTarget) -> bool | None:
    """Does this forward target carry traffic? A top-level target_group_arn carries all of it."""
    weight = serving_weight(target)
    return None if weight is None else weight > 0


def both(a: bool | None, b: bool | None) -> bool | None:
    """Three-valued AND."""
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def anyone(answers: Iterable[bool | None]) -> bool | None:
    """Three-valued OR."""
    answers = list(answers)
    if True in answers:
        return True
    return None if None in answers else False


def hcl_value(value: Any, module: str) -> str | None:
    """A value as an HCL expression inside the service's module, or None when it cannot be written."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Ref) and value.attribute:
        address = value.address
        prefix = f"{module}." if module else ""
        if prefix and address.startswith(prefix):
            address = address[len(prefix):]
        if address.startswith("module."):
            return None  # a resource of another module: not addressable from here
        return f"{address}.{value.attribute}"
    return None


def forward_fix(primary: Any, alternate: Any, module: str) -> str:
    primary_hcl = hcl_value(primary, module) or "aws_lb_target_group.blue.arn"
    alternate_hcl = hcl_value(alternate, module) or "aws_lb_target_group.green.arn"
    return (
        f"forward {{\n  target_group {{\n    arn    = {primary_hcl}\n    weight = 100\n  }}\n"
        f"  target_group {{\n    arn    = {alternate_hcl}\n    weight = 0\n  }}\n}}"
    )


class ProductionRuleServesAlternate(Rule):
    id = "TFBG125"
    severity = Severity.ERROR  # docs/severity.md: no registered targets until the first deployment (503s)
    summary = "production rule as declared sends its traffic to the alternate target group, not the primary"
    resource_types = ("aws_ecs_service",)
    source = (
        "provider acceptance tests (internal/service/ecs/service_test.go, testAccServiceConfig_blueGreenDeploymentBase: "
        "weight 100 on the primary, 0 on the alternate); ECS registers tasks in target_group_arn at service "
        "creation [inferred]"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        strategy = strategy_of(resource)
        non_rolling = is_non_rolling(strategy)
        if non_rolling is False:
            return
        controller = controller_of(resource)
        ecs_native = controller == "ECS" if isinstance(controller, str) else None
        if ecs_native is False:
            return
        for wiring in wirings(resource, model):
            yield from self._check_wiring(resource, wiring, certain=non_rolling is True and ecs_native is True)

    def _check_wiring(self, service: Resource, wiring: Wiring, *, certain: bool) -> Iterable[Finding]:
        primary, alternate = wiring.primary, wiring.alternate
        if primary is None or alternate is None or wiring.misrouted():
            return  # TFBG107/108/110 say what is missing or misplaced
        if same_object(wiring.model, primary, alternate) is True:
            return  # TFBG116
        rule = wiring.resource(PROD)
        path = wiring.entry.attr_path("target_group_arn")
        if isinstance(rule, Unknown):
            yield self.unproven(
                service,
                f"{service.address}: which target group production_listener_rule {wiring.value(PROD)} sends traffic "
                f"to cannot be read ({rule}); it must be target_group_arn {primary}, not the alternate {alternate}",
                path=path,
            )
            return
        if not isinstance(rule, Resource) or rule.type not in LISTENER_RULE_TYPES + LISTENER_TYPES:
            return  # not declared in this configuration: nothing declared to compare (TFBG113 says so)
        forwards = wiring.forwards(PROD)
        if not isinstance(forwards, Forwards) or (forwards.complete and not forwards.targets):
            return
        model = wiring.model
        alternate_serving = [
            t for t in forwards.targets if same_object(model, t.arn, alternate) is True and serves(t) is True
        ]
        alt_serves = anyone(both(same_object(model, t.arn, alternate), serves(t)) for t in forwards.targets)
        pri_serves = anyone(both(same_object(model, t.arn, primary), serves(t)) for t in forwards.targets)
        if not forwards.complete:
            alt_serves = True if alt_serves is True else None
            pri_serves = True if pri_serves is True else None
        if alt_serves is False or pri_serves is True:
            return  # the primary serves (TFBG115 judges a second serving group), or the alternate does not
        primary_targets = [t for t in forwards.targets if same_object(model, t.arn, primary) is True]
        declared = (
            f"{weight_text(primary_targets[0])} to target_group_arn {primary}"
            if primary_targets
            else f"nothing to target_group_arn {primary}"
        )
        if alt_serves is True and pri_serves is False and certain:
            kind = "listener" if rule.type in LISTENER_TYPES else "listener rule"
            yield self.finding(
                service,
                f"{service.address}: production {kind} {rule.address} is declared to send "
                f"{weight_text(alternate_serving[0])} to alternate_target_group_arn {alternate} and {declared}; "
                "ECS registers the tasks in target_group_arn when it creates the service, so production requests "
                "reach a target group with no registered targets (HTTP 503 on an ALB) until the first deployment: "
                f"in {rule.address} give {primary} weight 100 and {alternate} weight 0, or swap target_group_arn "
                "and alternate_target_group_arn in this load_balancer block",
                path=path,
                related=[rule.address],
                fix=forward_fix(primary, alternate, service.module),
            )
            return
        yield self.unproven(
            service,
            f"{service.address}: whether production rule {rule.address} sends its traffic to target_group_arn "
            f"{primary} rather than alternate_target_group_arn {alternate} cannot be told statically "
            "(target groups, weights, strategy or controller not known)",
            path=path,
        )
