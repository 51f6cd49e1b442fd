"""Rules only a plan can see: they compare a resource's `before` and `after`.

Each keeps the id of its catalogue group (the hundreds digit), so a rule's id does not depend on
which input can see it; they live together because they share the before/after reading.
"""

from __future__ import annotations

from typing import Any, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, get_path, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import LISTENER_RULE_TYPES, LISTENER_TYPES, TARGET_GROUP_TYPES, load_balancers

SERVICE = ("aws_ecs_service",)
NON_ROLLING = ("BLUE_GREEN", "LINEAR", "CANARY")

# ECS DG update-service-parameters.html: the controller transitions UpdateService accepts.
ALLOWED_TRANSITIONS = {("CODE_DEPLOY", "ECS"), ("CODE_DEPLOY", "EXTERNAL"), ("ECS", "EXTERNAL"), ("EXTERNAL", "ECS")}


def _controller(values: Any) -> str | None:
    if not isinstance(values, dict):
        return None
    value = get_path(values, "deployment_controller.0.type")
    if is_absent(value):
        return "ECS"
    return value if isinstance(value, str) else None


def _strategy(values: Any) -> str | None:
    value = get_path(values, "deployment_configuration.0.strategy") if isinstance(values, dict) else None
    return value if isinstance(value, str) and value else None


def _updates(resource: Resource) -> bool:
    return resource.change is not None and resource.change.actions == ("update",)


def _replaces(resource: Resource) -> bool:
    actions = resource.change.actions if resource.change else ()
    return "delete" in actions and "create" in actions


def _changed(before: Any, after: Any, key: str) -> bool:
    old, new = before.get(key) if isinstance(before, dict) else None, after.get(key) if isinstance(after, dict) else None
    if is_absent(old) and is_absent(new):
        return False
    return old != new


class ForbiddenControllerTransition(Rule):
    id = "TFBG405"
    severity = Severity.ERROR
    summary = "Plan changes the deployment controller along a transition ECS rejects"
    resource_types = SERVICE
    plan_only = True
    source = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service-parameters.html"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _updates(resource):
            return
        before, after = resource.change.before, resource.change.after
        old, new = _controller(before), _controller(after)
        if old is None or new is None or old == new:
            return
        path = "deployment_controller.0.type"
        if (old, new) not in ALLOWED_TRANSITIONS:
            yield self.finding(
                resource,
                f"{resource.address}: the plan changes the deployment controller from {old} to {new}; "
                f"UpdateService only allows CODE_DEPLOY->ECS, CODE_DEPLOY->EXTERNAL, ECS->EXTERNAL and "
                f"EXTERNAL->ECS, so the apply fails",
                path=path,
                fix=f"keep deployment_controller.type = \"{old}\", or create a new service with the {new} controller",
            )
            return
        if old != "ECS":
            return
        blockers = set(_ecs_only_features(before)) | set(_ecs_only_features(after))
        if blockers:
            features = ", ".join(sorted(blockers))
            yield self.finding(
                resource,
                f"{resource.address}: the plan switches the deployment controller away from ECS while the service "
                f"uses {features}; ECS does not allow leaving the ECS controller then",
                path=path,
                fix=f"first remove {features} from the service and apply, then change the controller",
            )


def _ecs_only_features(values: Any) -> Iterator[str]:
    """Settings that pin a service to the ECS controller (update-service-parameters.html)."""
    if not isinstance(values, dict):
        return
    if get_path(values, "deployment_configuration.0.strategy") == "BLUE_GREEN":
        yield "the BLUE_GREEN strategy"
    if get_path(values, "deployment_circuit_breaker.0.enable") is True:
        yield "the deployment circuit breaker"
    if get_path(values, "alarms.0.enable") is True:
        yield "CloudWatch alarms"
    if get_path(values, "service_connect_configuration.0.enabled") is True:
        yield "Service Connect"
    if not is_absent(values.get("vpc_lattice_configurations")):
        yield "VPC Lattice"


class TaskDefinitionUpdateOnCodeDeploy(Rule):
    id = "TFBG501"
    severity = Severity.ERROR
    summary = "Plan updates what only CodeDeploy may change on a CODE_DEPLOY service"
    resource_types = SERVICE
    plan_only = True
    source = (
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html; "
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service-parameters.html"
    )
    OWNED_BY_CODEDEPLOY = ("task_definition", "load_balancer", "network_configuration", "platform_version")

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _updates(resource):
            return
        before, after = resource.change.before, resource.change.after
        if _controller(before) != "CODE_DEPLOY" or _controller(after) != "CODE_DEPLOY":
            return
        changed = [key for key in self.OWNED_BY_CODEDEPLOY if _changed(before, after, key)]
        if not changed:
            return
        first = changed[0]
        message = (
            f"{resource.address}: the plan changes {', '.join(changed)} of a CODE_DEPLOY service; ECS rejects it"
        )
        if "task_definition" in changed:
            message += (
                ' ("Unable to update task definition on services with a CODE_DEPLOY deployment controller. '
                'Use AWS CodeDeploy to trigger a new deployment.")'
            )
        yield self.finding(
            resource,
            message,
            path=first,
            fix="deploy through CodeDeploy (an AppSpec with the new task definition) and add "
            f"lifecycle {{ ignore_changes = [{', '.join(changed)}] }} to the service",
        )


class TaskSetReplaced(Rule):
    id = "TFBG604"
    severity = Severity.INFO
    summary = "Plan replaces an ECS task set (only scale updates in place)"
    resource_types = ("aws_ecs_task_set",)
    plan_only = True
    source = "hashicorp/terraform-provider-aws internal/service/ecs/task_set.go (ForceNew on all arguments but scale, force_delete, wait_*, tags)"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _replaces(resource):
            return
        causes = ", ".join(resource.change.replace_paths) or "an argument other than scale"
        yield self.finding(
            resource,
            f"{resource.address}: the plan replaces the task set (because of {causes}): a new task set starts "
            "and the old one is deleted; only `scale` updates a task set in place",
            fix="if this is a deployment, make sure the new task set is healthy before traffic moves to it "
            "(wait_until_stable = true) and that your deployment tool expects a new task set",
        )


def _shifted_resources(model: Model) -> dict[str, tuple[Resource, str]]:
    """Listener rules/listeners and target groups whose traffic ECS or CodeDeploy shifts.

    Maps address -> (owner, role) where role says how the owner uses it.
    """
    return model.memo("shifted_resources", lambda: _find_shifted_resources(model))


def _find_shifted_resources(model: Model) -> dict[str, tuple[Resource, str]]:
    owned: dict[str, tuple[Resource, str]] = {}

    def own(value: Any, owner: Resource, role: str) -> None:
        target = model.resolve(value)
        if isinstance(target, Resource):
            owned.setdefault(target.address, (owner, role))

    for service in model.by_type("aws_ecs_service"):
        entries = load_balancers(service)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if entry.advanced is None:
                continue
            own(entry.advanced_value("production_listener_rule"), service, "production listener rule")
            own(entry.advanced_value("test_listener_rule"), service, "test listener rule")
            own(entry.target_group, service, "primary target group")
            own(entry.advanced_value("alternate_target_group_arn"), service, "alternate target group")
    for group in model.by_type("aws_codedeploy_deployment_group"):
        pairs = group.get("load_balancer_info.0.target_group_pair_info.0") or {}
        if not isinstance(pairs, dict):
            continue
        for route, role in (("prod_traffic_route", "production listener"), ("test_traffic_route", "test listener")):
            arns = get_path(pairs, f"{route}.0.listener_arns") or []
            for arn in arns if isinstance(arns, list) else []:
                own(arn, group, role)
    return owned


class PlanRewritesShiftedWeights(Rule):
    id = "TFBG703"
    severity = Severity.ERROR  # docs/severity.md: this apply reverts the traffic ECS/CodeDeploy shifted
    summary = "Plan rewrites the forward action of a rule or listener whose traffic ECS or CodeDeploy shifts"
    resource_types = LISTENER_RULE_TYPES + LISTENER_TYPES
    plan_only = True
    source = (
        "go-to-k/cdk-real-drift #1730 [reported]; NHSDigital/manage-vaccinations-in-schools PR #3215 [reported]; "
        "hashicorp/terraform-provider-aws #28129 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _updates(resource):
            return
        owner = _shifted_resources(model).get(resource.address)
        if owner is None:
            return
        key = "action" if resource.type in LISTENER_RULE_TYPES else "default_action"
        before, after = resource.change.before or {}, resource.change.after or {}
        if _forward_targets(before.get(key)) == _forward_targets(after.get(key)):
            return
        service, role = owner
        yield self.finding(
            resource,
            f"{resource.address} is the {role} of {service.address}; the plan rewrites its forward target groups "
            f"or weights ({_describe_forward(before.get(key))} -> {_describe_forward(after.get(key))}), which puts "
            "back the weights from before the last deployment and sends production traffic to the wrong target group",
            path=f"{key}.0",
            related=[service.address],
            fix=f"add lifecycle {{ ignore_changes = [{key}[0].forward[0].target_group] }} to {resource.address}",
        )


def _forward_targets(actions: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        for forward in action.get("forward") or []:
            for group in (forward or {}).get("target_group") or []:
                if isinstance(group, dict):
                    pairs.append((str(group.get("arn")), group.get("weight")))
        if not is_absent(action.get("target_group_arn")):
            pairs.append((str(action.get("target_group_arn")), None))
    return sorted(pairs)


def _describe_forward(actions: Any) -> str:
    pairs = _forward_targets(actions)
    if not pairs:
        return "no forward"
    return ", ".join(f"{arn.rsplit('/', 2)[-2] if arn.count('/') >= 2 else arn}:{weight}" for arn, weight in pairs)


class PlanReplacesLiveTrafficResource(Rule):
    id = "TFBG704"
    severity = Severity.WARNING
    summary = "Plan replaces a live production/test rule or target group of a blue/green service"
    resource_types = LISTENER_RULE_TYPES + LISTENER_TYPES + TARGET_GROUP_TYPES
    plan_only = True
    source = "NHSDigital/manage-vaccinations-in-schools PR #3215 [reported]; ECS DG troubleshooting-blue-green.html [inferred]"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _replaces(resource):
            return
        owner = _shifted_resources(model).get(resource.address)
        if owner is None:
            return
        service, role = owner
        if service.change is not None and service.change.actions == ("create",):
            return  # nothing is live yet
        causes = ", ".join(resource.change.replace_paths) or "a change that forces replacement"
        yield self.finding(
            resource,
            f"{resource.address} is the {role} of {service.address} and the plan replaces it (because of {causes}); "
            "the new one starts from the weights in the configuration, not from where the last deployment "
            "left traffic, and the service's deployment can roll back with an invalid networking configuration",
            related=[service.address],
            fix="avoid the replacement (revert the forcing change, or use create_before_destroy and a new name), "
            "and deploy only when the target group in your configuration is the one serving production",
        )


class SwitchToRolling(Rule):
    id = "TFBG706"
    severity = Severity.INFO
    summary = "Switching a service from blue/green, linear or canary back to ROLLING"
    resource_types = SERVICE
    plan_only = True
    source = (
        "hashicorp/terraform-provider-aws internal/service/ecs/service_test.go "
        "(testAccServiceConfig_blueGreenDeployment_switchToRolling)"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _updates(resource):
            return
        old, new = _strategy(resource.change.before), _strategy(resource.change.after) or "ROLLING"
        if old not in NON_ROLLING or new != "ROLLING":
            return
        yield self.finding(
            resource,
            f"{resource.address}: the plan switches the deployment strategy from {old} to ROLLING; after a "
            "blue/green deployment production may be served by the alternate target group, so point "
            "load_balancer.target_group_arn at the target group that serves production now and remove "
            "advanced_configuration",
            path="deployment_configuration.0.strategy",
            fix="check the production listener rule's weights (aws elbv2 describe-rules) and set "
            "target_group_arn to the target group with weight 100",
        )


def _load_balancer_pairs(values: Any) -> dict[tuple[Any, Any], tuple[Any, Any]]:
    """(container_name, container_port) -> (target_group_arn, alternate_target_group_arn) of the
    `load_balancer` entries that have an advanced_configuration (plan JSON: a list in hash order)."""
    pairs: dict[tuple[Any, Any], tuple[Any, Any]] = {}
    entries = values.get("load_balancer") if isinstance(values, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        alternate = get_path(entry, "advanced_configuration.0.alternate_target_group_arn")
        primary = entry.get("target_group_arn")
        if isinstance(primary, str) and primary and isinstance(alternate, str) and alternate:
            pairs[(entry.get("container_name"), entry.get("container_port"))] = (primary, alternate)
    return pairs


def _entry_index(values: dict, key: tuple[Any, Any]) -> int:
    for i, entry in enumerate(values.get("load_balancer") or []):
        if isinstance(entry, dict) and (entry.get("container_name"), entry.get("container_port")) == key:
            return i
    return 0


def _tg_name(arn: str) -> str:
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else arn


class PlanSwapsTargetGroupsBack(Rule):
    id = "TFBG707"
    severity = Severity.WARNING
    summary = "Plan swaps a blue/green service's primary and alternate target groups back to the declared order"
    resource_types = SERVICE
    plan_only = True
    source = (
        "hashicorp/terraform-provider-aws issue #45678 (\"Terraform triggered deployments do not alternate target "
        "groups for ECS-managed blue/green\") [reported]; provider internal/service/ecs/service.go (Read sets "
        "load_balancer from DescribeServices; Update sends loadBalancers when load_balancer changed) [verified-src]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if not _updates(resource):
            return
        before, after = resource.change.before, resource.change.after
        if _controller(after) != "ECS" or _strategy(after) not in NON_ROLLING:
            return
        old, new = _load_balancer_pairs(before), _load_balancer_pairs(after)
        for key, (primary, alternate) in new.items():
            if old.get(key) != (alternate, primary):
                continue
            container = f"{key[0]}:{key[1]}"
            yield self.finding(
                resource,
                f"{resource.address}: for container {container} the state has target group {_tg_name(alternate)} as "
                f"primary and {_tg_name(primary)} as alternate (ECS alternates them with each blue/green "
                f"deployment), and the plan puts the declared order back: the service is updated with the target "
                f"group that now serves production as its alternate, so the next deployment registers the new "
                f"tasks in it instead of alternating (#45678)",
                path=f"load_balancer.{_entry_index(after, key)}",
                fix="lifecycle {\n  ignore_changes = [load_balancer]\n}\n# or declare the pair in the order "
                "the service has now (aws ecs describe-services)",
            )


RULES: list[Rule] = [
    ForbiddenControllerTransition(),
    TaskDefinitionUpdateOnCodeDeploy(),
    TaskSetReplaced(),
    PlanRewritesShiftedWeights(),
    PlanReplacesLiveTrafficResource(),
    SwitchToRolling(),
    PlanSwapsTargetGroupsBack(),
]
