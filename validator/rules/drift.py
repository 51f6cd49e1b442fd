"""Group G, ids TFBG7xx: Drift and ownership: ignore_changes, plan updates that undo traffic shifts (catalogue R-66..R-71).

ECS (strategies BLUE_GREEN/LINEAR/CANARY) rewrites the forward action of the production and test
listener rules on every deployment; for an NLB the "rules" are listeners and their default action
is rewritten. Terraform puts the declared weights back on the next apply unless `ignore_changes`
covers them.

The plan-only rules of this group (R-68 TFBG703, R-69 TFBG704, R-71 TFBG706) belong to the plan
workstream; their ids are left free here.

`lifecycle` is unknowable from plan JSON without `--source` (`Resource.ignores` returns None): the
ignore_changes rules then stay silent; the plan workstream says once that they need `--source`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    actions_attribute,
    controller_of,
    is_non_rolling,
    listener_lb_type,
    load_balancers,
    resolve_resource,
    strategy_of,
)

ADVANCED_KEYS = ("production_listener_rule", "test_listener_rule")
NLB_PROTOCOLS = ("TCP", "UDP", "TLS", "TCP_UDP")
ALB_MODULE_SOURCES = ("terraform-aws-modules/alb/aws", "github.com/terraform-aws-modules/terraform-aws-alb")


# --- does ignore_changes cover the forward action? -----------------------------------------------


def forward_action_indexes(resource: Resource) -> list[int]:
    """Indexes of the forward actions in `action` / `default_action` ([0] when none can be read:
    ECS and CodeDeploy write a forward action there either way)."""
    actions = resource.get(actions_attribute(resource))
    if isinstance(actions, list):
        found = [i for i, a in enumerate(actions) if isinstance(a, dict) and a.get("type") == "forward"]
        if found:
            return found
    return [0]


def uncovered_forward_paths(resource: Resource) -> list[str] | None:
    """The ignore_changes paths (HCL spelling) a traffic-shifted rule/listener lacks; [] when
    covered; None when lifecycle cannot be known (plan without --source).

    `action[i].forward[0].target_group` (or any prefix, or `all`) covers a forward block. A forward
    action written with the top-level `target_group_arn` also needs `action[i].target_group_arn`
    ignored (the prefix `action` covers both): after a shift the provider reads a weighted forward
    block and an empty target_group_arn, and re-applying the declared ARN sends all traffic back."""
    attribute = actions_attribute(resource)
    if resource.ignores(attribute) is None:
        return None
    actions = resource.get(attribute)
    missing: list[str] = []
    for i in forward_action_indexes(resource):
        needed = [f"{attribute}.{i}.forward.0.target_group"]
        action = actions[i] if isinstance(actions, list) and i < len(actions) else None
        if isinstance(action, dict) and not is_absent(action.get("target_group_arn")):
            needed.append(f"{attribute}.{i}.target_group_arn")
        for path in needed:
            if not resource.ignores(path):
                missing.append(hcl_path(path))
    return missing


def hcl_path(path: str) -> str:
    """`action.0.forward.0.target_group` -> `action[0].forward[0].target_group`."""
    out = ""
    for part in path.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def lifecycle_fix(resource: Resource, missing: list[str]) -> str:
    """The lifecycle block to add: the forward target groups, or the whole action list when a
    top-level target_group_arn must be ignored as well."""
    attribute = actions_attribute(resource)
    if any(path.endswith(".target_group_arn") for path in missing):
        paths = [attribute]
    else:
        paths = missing
    return "lifecycle {\n  ignore_changes = [" + ", ".join(paths) + "]\n}"


LIFECYCLE_PATH = "lifecycle.0.ignore_changes"  # reported there when written, else at the block


# --- which rules/listeners ECS shifts traffic on --------------------------------------------------


@dataclass(frozen=True)
class ShiftedBy:
    """A service whose ECS-managed deployment rewrites a rule or listener."""

    service: Resource
    path: str  # e.g. load_balancer.0.advanced_configuration.0.production_listener_rule
    role: str  # "production" | "test"
    strategy: Any  # "BLUE_GREEN" | "LINEAR" | "CANARY" | Unknown


def ecs_shifted_targets(model: Model) -> dict[str, list[ShiftedBy]]:
    """Address of each rule/listener named by a service's advanced_configuration -> who shifts it.

    Only services ECS deploys itself (controller ECS) with a non-ROLLING strategy or a strategy that
    cannot be known (then a finding becomes "could not prove")."""
    index: dict[str, list[ShiftedBy]] = {}
    for service in model.by_type("aws_ecs_service"):
        controller = controller_of(service)
        if isinstance(controller, str) and controller != "ECS":
            continue  # CodeDeploy/EXTERNAL ignore advanced_configuration (TFBG513 covers CodeDeploy)
        strategy = strategy_of(service)
        non_rolling = is_non_rolling(strategy)
        if non_rolling is False:
            continue
        if not isinstance(controller, str):
            non_rolling = None
        entries = load_balancers(service)
        if isinstance(entries, Unknown):
            continue
        for entry in entries:
            for key in ADVANCED_KEYS:
                value = entry.advanced_value(key)
                target = resolve_resource(model, value)
                if not isinstance(target, Resource):
                    continue
                index.setdefault(target.address, []).append(
                    ShiftedBy(
                        service,
                        entry.advanced_path(key),
                        "production" if key == ADVANCED_KEYS[0] else "test",
                        strategy if non_rolling else Unknown("strategy"),
                    )
                )
    return index


def _users(shifted: list[ShiftedBy]) -> str:
    seen: list[str] = []
    for s in shifted:
        text = f"{s.role} rule of {s.service.address}"
        if text not in seen:
            seen.append(text)
    return " and ".join(seen)


def _traffic(shifted: list[ShiftedBy]) -> str:
    return "production" if any(s.role == "production" for s in shifted) else "test"


def shifted_and_uncovered(resource: Resource, model: Model) -> tuple[list[ShiftedBy], list[str]]:
    """Who shifts traffic on this rule/listener, and the forward paths its ignore_changes lacks
    (both empty when nobody shifts it or when lifecycle is unknowable)."""
    shifted = model.memo("drift.ecs_shifted_targets", lambda: ecs_shifted_targets(model)).get(resource.address)
    if not shifted:
        return [], []
    return shifted, uncovered_forward_paths(resource) or []


def _strategy_unknown(shifted: list[ShiftedBy]) -> bool:
    return all(isinstance(s.strategy, Unknown) for s in shifted)


class ListenerRuleIgnoresForward(Rule):
    id = "TFBG701"
    needs_lifecycle = True
    severity = Severity.ERROR  # docs/severity.md: the next apply reverts traffic (documented)
    summary = "ECS blue/green listener rule without ignore_changes on its forward target groups"
    resource_types = LISTENER_RULE_TYPES
    source = (
        "hashicorp/terraform-provider-aws internal/service/ecs/service_test.go "
        "(testAccServiceConfig_blueGreenDeploymentBase); go-to-k/cdk-real-drift #1730 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        shifted, missing = shifted_and_uncovered(resource, model)
        if not missing:
            return
        message = (
            f"{resource.address} is the {_users(shifted)}, whose forward target groups and weights ECS "
            f"rewrites on every deployment, but its lifecycle.ignore_changes does not cover "
            f"{', '.join(missing)}: the next terraform apply would put the declared weights back and "
            f"send {_traffic(shifted)} traffic to the old target group"
        )
        if _strategy_unknown(shifted):
            yield self.unproven(resource, f"deployment strategy unknown; if non-ROLLING: {message}", path=LIFECYCLE_PATH)
            return
        yield self.finding(
            resource,
            message,
            path=LIFECYCLE_PATH,
            fix=lifecycle_fix(resource, missing),
            related=[s.service.address for s in shifted],
        )


class NlbListenerIgnoresForward(Rule):
    id = "TFBG702"
    needs_lifecycle = True
    severity = Severity.ERROR  # docs/severity.md: the next apply reverts traffic (documented)
    summary = "NLB listener used as an ECS blue/green production/test rule without ignore_changes on its default action"
    resource_types = LISTENER_TYPES
    source = (
        "ECS DG nlb-resources-for-blue-green.html (listener ARNs as rules) + the TFBG701 mechanism [inferred]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        shifted, missing = shifted_and_uncovered(resource, model)
        if not missing:
            return
        message = (
            f"{resource.address} is the {_users(shifted)} (an NLB listener stands in for a rule), and ECS "
            f"rewrites its default action on every deployment, but its lifecycle.ignore_changes does not "
            f"cover {', '.join(missing)}: the next terraform apply would move traffic back to the "
            f"declared target group"
        )
        lb_type = listener_lb_type(model, resource)
        if not isinstance(lb_type, str) and resource.get("protocol") in NLB_PROTOCOLS:
            lb_type = "network"  # the load balancer is managed elsewhere; the protocol tells
        if isinstance(lb_type, str) and lb_type != "network":
            return  # an ALB listener named as a rule is an error of its own (group A)
        if _strategy_unknown(shifted) or not isinstance(lb_type, str):
            yield self.unproven(resource, message, path=LIFECYCLE_PATH)
            return
        yield self.finding(
            resource,
            message,
            path=LIFECYCLE_PATH,
            fix=lifecycle_fix(resource, missing),
            related=[s.service.address for s in shifted],
        )


# --- listener rules inside terraform-aws-modules/alb -----------------------------------------

_MODULE_PATH = re.compile(r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)+)")
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


def is_alb_module_source(source: str) -> bool:
    """`terraform-aws-modules/alb/aws` (registry, any host prefix, any subdirectory) or a Git/HTTP
    source of the terraform-aws-modules/terraform-aws-alb repository."""
    plain = source.split("?", 1)[0].split("//", 1)[0] if "://" not in source else source
    plain = plain.removeprefix("registry.terraform.io/")
    return plain == ALB_MODULE_SOURCES[0] or ALB_MODULE_SOURCES[1] in source


def module_of_value(referrer: Resource, value: Any) -> str | None:
    """The module call (path without instance keys) a value comes from: a Ref into a module's
    resources, or an unknown module output (`module.alb.listener_rules["x"].arn`) written in
    `referrer`'s module."""
    if isinstance(value, Ref):
        text, relative = value.address, False
    elif isinstance(value, Unknown):
        text, relative = value.why, True
    else:
        return None
    match = _MODULE_PATH.match(text)
    if not match:
        return None
    path = _INSTANCE_KEY.sub("", match.group(1).rstrip("."))
    if relative and referrer.module:
        path = f"{_INSTANCE_KEY.sub('', referrer.module)}.{path}"
    return path


def _traffic_references(resource: Resource) -> Iterator[tuple[str, Any, str]]:
    """(attribute path, value, role) of every rule/listener a B/G service or deployment group shifts."""
    if resource.type == "aws_codedeploy_deployment_group":
        base = "load_balancer_info.0.target_group_pair_info.0"
        for route, role in (("prod_traffic_route", "production"), ("test_traffic_route", "test")):
            values = resource.get(f"{base}.{route}.0.listener_arns")
            if isinstance(values, list):
                for i, value in enumerate(values):
                    yield f"{base}.{route}.0.listener_arns", value, f"{role} listener"
            elif isinstance(values, (Ref, Unknown)):
                yield f"{base}.{route}.0.listener_arns", values, f"{role} listener"
        return
    controller = controller_of(resource)
    if (isinstance(controller, str) and controller != "ECS") or is_non_rolling(strategy_of(resource)) is False:
        return
    entries = load_balancers(resource)
    if isinstance(entries, Unknown):
        return
    for entry in entries:
        for key in ADVANCED_KEYS:
            value = entry.advanced_value(key)
            if value is not None:
                yield entry.advanced_path(key), value, key.replace("_", " ")


class AlbModuleRules(Rule):
    id = "TFBG705"
    severity = Severity.INFO
    summary = "Blue/green listener rules created inside terraform-aws-modules/alb cannot ignore traffic shifts"
    resource_types = ("aws_ecs_service", "aws_codedeploy_deployment_group")
    source = "terraform-aws-modules/terraform-aws-alb issues #409 and #219 [reported]"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        sources = {call.address: call.source for call in model.module_calls}
        if not sources:
            return
        for path, value, role in _traffic_references(resource):
            module = module_of_value(resource, value)
            if module is None or not is_alb_module_source(sources.get(module, "")):
                continue
            local = module.rsplit(".", 1)[-1]
            if resource.type == "aws_codedeploy_deployment_group":
                remedy = (
                    "create the production and test listeners as standalone aws_lb_listener resources on "
                    "the module's load balancer, with ignore_changes = [default_action]"
                )
                fix = (
                    'resource "aws_lb_listener" "prod" {\n'
                    f"  load_balancer_arn = module.{local}.arn\n"
                    "  # port, protocol, default_action { type = \"forward\" ... }\n"
                    "  lifecycle {\n    ignore_changes = [default_action]\n  }\n}"
                )
                rewrites = "the forward action"
            else:
                remedy = "create the production and test listener rules as standalone resources with ignore_changes"
                fix = (
                    'resource "aws_lb_listener_rule" "prod" {\n'
                    f'  listener_arn = module.{local}.listeners["<key>"].arn\n'
                    "  # action { forward { ... } } and condition { ... }\n  lifecycle {\n"
                    "    ignore_changes = [action[0].forward[0].target_group]\n  }\n}"
                )
                rewrites = "the forward weights"
            yield self.finding(
                resource,
                f"the {role} of {resource.address} is created inside {module} ({sources[module]}); a "
                f"module's resources cannot get lifecycle.ignore_changes from its caller (lifecycle takes "
                f"no variables), so every apply after a deployment puts {rewrites} back: {remedy}",
                path=path,
                fix=fix,
            )


RULES: list[Rule] = [ListenerRuleIgnoresForward(), NlbListenerIgnoresForward(), AlbModuleRules()]
