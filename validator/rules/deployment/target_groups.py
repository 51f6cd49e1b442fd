"""TFBG117, TFBG118: the primary and alternate `aws_lb_target_group` of a blue/green service."""

from __future__ import annotations

from typing import Any, Iterable

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.deployment.wiring import wirings
from validator.rules.helpers import TARGET_GROUP_TYPES, describe, load_balancers, resolve_resource

SERVICE = ("aws_ecs_service",)
TASK_DEFINITION_TYPES = ("aws_ecs_task_definition",)
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def network_mode(service: Resource, model: Model) -> str | Unknown:
    """"awsvpc" when the service's tasks use awsvpc networking, else the mode, or Unknown."""
    if service.get("launch_type") == "FARGATE":
        return "awsvpc"
    strategies = service.get("capacity_provider_strategy")
    if isinstance(strategies, list) and any(
        isinstance(s, dict) and s.get("capacity_provider") in FARGATE_PROVIDERS for s in strategies
    ):
        return "awsvpc"
    if not is_absent(service.get("network_configuration")):
        return "awsvpc"  # network_configuration is only accepted with awsvpc
    value = service.get("task_definition")
    task = resolve_resource(model, value) if not is_absent(value) else None
    if not isinstance(task, Resource) or task.type not in TASK_DEFINITION_TYPES:
        return Unknown(f"task definition {value} is not in this configuration")
    mode = task.get("network_mode")
    compatibilities = task.get("requires_compatibilities")
    if isinstance(compatibilities, list) and "FARGATE" in compatibilities:
        return "awsvpc"
    if isinstance(mode, (Ref, Unknown)):
        return Unknown(f"{task.address}.network_mode")
    return "bridge" if is_absent(mode) else mode


def target_group_resources(service: Resource, model: Model) -> list[tuple[str, Any, Resource | Unknown | None]]:
    """(label, value, resolved) for the primary and alternate target group of each load_balancer entry."""
    entries = load_balancers(service)
    if isinstance(entries, Unknown):
        return []
    return [
        (label, value, resolve_resource(model, value))
        for entry in entries
        for label, value, _ in entry.target_groups()
    ]


class TargetTypeMustBeIp(Rule):
    id = "TFBG117"
    severity = Severity.ERROR
    summary = "awsvpc/Fargate service with a target group whose target_type is not ip"
    resource_types = SERVICE
    source = (
        "API API_LoadBalancer.html (awsvpc: target type must be ip); ECS DG alb-resources-for-blue-green.html, "
        "nlb-resources-for-blue-green.html"
    )

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        groups = [(label, group) for label, _, group in target_group_resources(resource, model)
                  if isinstance(group, Resource) and group.type in TARGET_GROUP_TYPES]
        if not groups:
            return
        mode: str | Unknown | None = None
        seen: set[str] = set()
        for label, group in groups:
            if group.address in seen:
                continue
            seen.add(group.address)
            target_type = group.get("target_type")
            target_type = "instance" if is_absent(target_type) else target_type
            if target_type == "ip":
                continue
            mode = network_mode(resource, model) if mode is None else mode
            if isinstance(mode, str) and mode != "awsvpc":
                continue
            if isinstance(mode, Unknown) or not isinstance(target_type, str):
                yield self.unproven(
                    group,
                    f"{group.address} ({label} of {resource.address}) has target_type {describe(target_type)}; it must "
                    f"be \"ip\" if the tasks use awsvpc networking, which cannot be told statically ({mode})",
                    path="target_type",
                )
                continue
            yield self.finding(
                group,
                f"{group.address} is the {label} of {resource.address}, whose tasks use awsvpc networking (Fargate or "
                f'network_mode "awsvpc"), but its target_type is {describe(target_type)}: set target_type = "ip" '
                "(this replaces the target group)",
                path="target_type",
                related=[resource.address],
                fix='target_type = "ip"',
            )


HEALTH_CHECK_KEYS = (
    "enabled", "path", "port", "protocol", "matcher", "interval", "timeout", "healthy_threshold", "unhealthy_threshold",
)


def _same(a: Any, b: Any) -> bool | None:
    if isinstance(a, Ref) and isinstance(b, Ref):
        return True if (a.address, a.attribute) == (b.address, b.attribute) else None
    if isinstance(a, Unknown) and isinstance(b, Unknown) and a.why and a.why == b.why:
        return True  # the same unresolved expression (e.g. var.vpc_id) on both sides
    if isinstance(a, (Ref, Unknown)) or isinstance(b, (Ref, Unknown)):
        return None
    if isinstance(a, (int, float)) and isinstance(b, str) or isinstance(a, str) and isinstance(b, (int, float)):
        return str(a) == str(b)
    return a == b


class TargetGroupsDiffer(Rule):
    id = "TFBG118"
    severity = Severity.WARNING
    summary = "primary and alternate target groups differ in VPC, protocol, port or health check"
    resource_types = SERVICE
    source = 'ECS DG alb-resources-for-blue-green.html / nlb-resources-for-blue-green.html ("Both target groups should be configured with the following settings")'

    def check(self, resource: Resource, model: Model) -> Iterable[Finding]:
        for wiring in wirings(resource, model):
            primary = resolve_resource(model, wiring.primary) if wiring.primary is not None else None
            alternate = resolve_resource(model, wiring.alternate) if wiring.alternate is not None else None
            if not (isinstance(primary, Resource) and isinstance(alternate, Resource)):
                continue
            if primary.type not in TARGET_GROUP_TYPES or alternate.type not in TARGET_GROUP_TYPES:
                continue
            if primary.address == alternate.address:
                continue  # TFBG116
            differ, unsure = self._compare(primary, alternate)
            if differ:
                details = "; ".join(f"{path}: {describe(a)} vs {describe(b)}" for path, a, b in differ)
                yield self.finding(
                    alternate,
                    f"{alternate.address} (alternate target group of {resource.address}) differs from "
                    f"{primary.address} (primary) in {details}; traffic shifts between them, so both need the same "
                    "VPC, protocol, port and health check: make the settings equal",
                    path=differ[0][0],
                    related=[resource.address, primary.address],
                )
            elif unsure:
                yield self.unproven(
                    alternate,
                    f"{alternate.address} and {primary.address} (target groups of {resource.address}) should have the "
                    f"same {', '.join(unsure)}; the values are not known statically",
                    path=unsure[0],
                )

    @staticmethod
    def _compare(primary: Resource, alternate: Resource) -> tuple[list[tuple[str, Any, Any]], list[str]]:
        differ, unsure = [], []
        pairs = [(name, primary.get(name), alternate.get(name)) for name in ("vpc_id", "protocol", "port")]
        checks_a, checks_b = primary.get("health_check.0"), alternate.get("health_check.0")
        if isinstance(checks_a, dict) and isinstance(checks_b, dict):
            pairs += [(f"health_check.0.{key}", checks_a.get(key), checks_b.get(key)) for key in HEALTH_CHECK_KEYS]
        for path, a, b in pairs:
            if is_absent(a) or is_absent(b):
                continue  # only values written (or planned) on both sides are compared
            same = _same(a, b)
            if same is False:
                differ.append((path, a, b))
            elif same is None:
                unsure.append(path)
        return differ, unsure
