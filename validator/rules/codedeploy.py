"""Group E, ids TFBG5xx: CodeDeploy blue/green (catalogue R-48..R-60).

R-48 (TFBG501: a plan that updates the task definition or load balancers of a CODE_DEPLOY service)
needs a plan's before/after and belongs to the plan workstream; its id is left free here.

A deployment group names its app, service and target groups by NAME, not by ARN, so these rules
match names themselves (`Model.resolve` follows ARNs, ids and references only).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from validator.findings import Finding, Severity
from validator.iam import checks
from validator.iam.collect import iam_index
from validator.iam.evaluate import Answer
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.drift import LIFECYCLE_PATH, uncovered_forward_paths
from validator.rules.helpers import (
    LISTENER_RULE_TYPES,
    LISTENER_TYPES,
    TARGET_GROUP_TYPES,
    controller_of,
    forward_targets,
    lb_type_of_arn,
    listener_lb_type,
    listener_of_rule,
    load_balancers,
    resolve_resource,
)

DEPLOYMENT_GROUP = "aws_codedeploy_deployment_group"
PAIR = "load_balancer_info.0.target_group_pair_info.0"
PROD_LISTENERS = f"{PAIR}.prod_traffic_route.0.listener_arns"
TEST_LISTENERS = f"{PAIR}.test_traffic_route.0.listener_arns"
TARGET_GROUP_BLOCKS = f"{PAIR}.target_group"
ALL_AT_ONCE = "CodeDeployDefault.ECSAllAtOnce"


# --- following a deployment group by names --------------------------------------------------------


def named(model: Model, types: tuple[str, ...], value: Any, attribute: str = "name") -> Resource | Unknown | None:
    """The resource of `types` a value names: a reference is followed; a known string matches the
    resources' `attribute` (an ARN string also their arn). None: names nothing in the model."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, Ref):
        return resolve_resource(model, value)
    if isinstance(value, str) and value:
        matches = _index_by(model, types, attribute).get(value, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            return Unknown(f"{len(matches)} resources named {value!r}")
        if value.startswith("arn:"):
            found = _index_by(model, types, "arn").get(value, [])
            return found[0] if len(found) == 1 else None
    return None


def _index_by(model: Model, types: tuple[str, ...], attribute: str) -> dict[str, list[Resource]]:
    """Resources of `types` by the known string value of `attribute`, built once per model."""

    def build() -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = {}
        for resource in model.by_type(*types):
            value = resource.values.get(attribute)
            if isinstance(value, str) and value:
                index.setdefault(value, []).append(resource)
        return index

    return model.memo(f"codedeploy.by.{','.join(types)}.{attribute}", build)


def app_of(group: Resource, model: Model) -> Resource | Unknown | None:
    return named(model, ("aws_codedeploy_app",), group.get("app_name"))


def is_ecs_group(group: Resource, model: Model) -> bool:
    """An ECS deployment group: it names an ECS service, or its app's compute platform is ECS."""
    if not is_absent(group.get("ecs_service")):
        return True
    app = app_of(group, model)
    return isinstance(app, Resource) and app.get("compute_platform") == "ECS"


def listener_values(group: Resource, path: str) -> list[Any] | Unknown:
    value = group.get(path)
    if isinstance(value, (Ref, Unknown)):
        return Unknown(path)
    if is_absent(value):
        return []
    return value if isinstance(value, list) else [value]


def target_group_names(group: Resource) -> list[Any] | Unknown:
    blocks = group.get(TARGET_GROUP_BLOCKS)
    if isinstance(blocks, (Ref, Unknown)):
        return Unknown(TARGET_GROUP_BLOCKS)
    if is_absent(blocks):
        return []
    return [b.get("name") if isinstance(b, dict) else Unknown("target_group") for b in blocks]


def group_target_groups(group: Resource, model: Model) -> list[Resource | Unknown | None] | Unknown:
    names = target_group_names(group)
    if isinstance(names, Unknown):
        return names
    return [named(model, TARGET_GROUP_TYPES, name) for name in names]


def group_service(group: Resource, model: Model) -> Resource | Unknown | None:
    return named(model, ("aws_ecs_service",), group.get("ecs_service.0.service_name"))


def arn_name(arn: str) -> str | None:
    """`arn:...:targetgroup/blue/0123` -> `blue`."""
    match = re.search(r":targetgroup/([^/]+)/", arn)
    return match.group(1) if match else None


def lb_identity(model: Model, listener_value: Any) -> str | Unknown:
    """Which load balancer a listener belongs to: the address of the aws_lb/aws_alb, or the
    load balancer part of a known ARN."""
    listener = resolve_resource(model, listener_value)
    if isinstance(listener, Resource):
        lb_value = listener.get("load_balancer_arn")
        lb = resolve_resource(model, lb_value)
        if isinstance(lb, Resource):
            return lb.address
        if isinstance(lb_value, str) and lb_value:
            return lb_value
        return Unknown(f"{listener.address}.load_balancer_arn")
    if isinstance(listener_value, str):
        match = re.search(r":listener/((?:app|net)/[^/]+/[^/]+)/", listener_value)
        if match:
            return match.group(1)
    return Unknown(str(listener_value))


def short(value: Any) -> str:
    if isinstance(value, Resource):
        return value.address
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


class _GroupRule(Rule):
    """A rule about ECS deployment groups (groups for EC2/Lambda are left alone)."""

    resource_types = (DEPLOYMENT_GROUP,)

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if is_ecs_group(resource, model):
            yield from self.check_group(resource, model)

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        raise NotImplementedError


# --- R-49 ------------------------------------------------------------------------------------------


def autoscaled(service: Resource, model: Model) -> bool | None:
    """Does an aws_appautoscaling_target scale this service's desired count? None: cannot tell."""
    found, unsure = scaling_targets(service, model)
    return True if found else (None if unsure else False)


def scaling_targets(service: Resource, model: Model) -> tuple[list[Resource], bool]:
    """The aws_appautoscaling_targets that scale this service's desired count, and whether some target's
    resource_id ("service/<cluster>/<name>") could not be read."""
    names, unknown = model.memo("codedeploy.autoscaling_targets", lambda: _autoscaling_targets(model))
    name = service.get("name")
    found = list(names.get(name, [])) if isinstance(name, str) else []
    # `"service/${...}/${aws_ecs_service.app.name}"` stays Unknown(expression text) when the names
    # are not literal; a plan gives a Ref to one of the references.
    local = f"{service.type}.{service.name}"
    for target in unknown:
        resource_id = target.get("resource_id")
        if target.module == service.module and (
            (isinstance(resource_id, Unknown) and f"{local}." in resource_id.why)
            or (isinstance(resource_id, Ref) and resolve_resource(model, resource_id) is service)
        ):
            found.append(target)
    return found, bool(unknown) and not found


def _autoscaling_targets(model: Model) -> tuple[dict[str, list[Resource]], list[Resource]]:
    """Service names scaled by a known `resource_id` ("service/<cluster>/<name>"), and the targets
    whose resource_id is not known statically."""
    names: dict[str, list[Resource]] = {}
    unknown: list[Resource] = []
    for target in model.by_type("aws_appautoscaling_target"):
        dimension = target.get("scalable_dimension")
        if isinstance(dimension, str) and dimension != "ecs:service:DesiredCount":
            continue
        resource_id = target.get("resource_id")
        if isinstance(resource_id, str):
            names.setdefault(resource_id.split("/")[-1], []).append(target)
        else:
            unknown.append(target)
    return names, unknown


class CodeDeployServiceIgnoreChanges(Rule):
    id = "TFBG502"
    needs_lifecycle = True
    severity = Severity.ERROR
    summary = "CODE_DEPLOY service without ignore_changes on task_definition and load_balancer (desired_count when autoscaled: warning)"
    resource_types = ("aws_ecs_service",)
    source = (
        "hashicorp/terraform-provider-aws issues #7001 (maintainer), #13192, #20850 [reported]; "
        "API UpdateService (CODE_DEPLOY services reject task definition and load balancer updates)"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if controller_of(resource) != "CODE_DEPLOY" or resource.ignores("task_definition") is None:
            return
        needed = ["task_definition", "load_balancer"]
        if autoscaled(resource, model):
            needed.append("desired_count")
        missing = [path for path in needed if not resource.ignores(path)]
        if not missing:
            return
        why = {
            "task_definition": "CodeDeploy deploys new task definitions and ECS rejects Terraform's update "
            "(\"Unable to update task definition on services with a CODE_DEPLOY deployment controller\")",
            "load_balancer": "CodeDeploy swaps the target group after each deployment",
            "desired_count": "an aws_appautoscaling_target scales the service",
        }
        # ECS rejects Terraform's task definition / load balancer update after the first deployment
        # (documented: error); an autoscaled desired_count set back is capacity churn (inference: warning).
        certain = any(m in ("task_definition", "load_balancer") for m in missing)
        yield self.finding(
            resource,
            f"{resource.address} uses the CODE_DEPLOY controller but lifecycle.ignore_changes lacks "
            f"{', '.join(missing)}: " + "; ".join(why[m] for m in missing),
            severity=None if certain else Severity.WARNING,
            path=LIFECYCLE_PATH,
            fix="lifecycle {\n  ignore_changes = [" + ", ".join(needed) + "]\n}",
        )


def _ecs_groups_by_app(model: Model) -> dict[str, list[Resource]]:
    """aws_codedeploy_app address -> the deployment groups with an ecs_service block that use it
    (built once: a scan of every group per app is quadratic in a monorepo)."""
    index: dict[str, list[Resource]] = {}
    for group in model.by_type(DEPLOYMENT_GROUP):
        if is_absent(group.get("ecs_service")):
            continue
        app = app_of(group, model)
        if isinstance(app, Resource):
            index.setdefault(app.address, []).append(group)
    return index


# --- R-50 ------------------------------------------------------------------------------------------


class CodeDeployAppComputePlatform(Rule):
    id = "TFBG503"
    severity = Severity.ERROR
    summary = "CodeDeploy app of an ECS deployment group is not compute_platform = \"ECS\""
    resource_types = ("aws_codedeploy_app",)
    source = (
        "provider docs website/docs/r/codedeploy_app.html.markdown (compute_platform default Server), "
        "codedeploy_deployment_group.html.markdown (ECS example)"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        groups = model.memo("codedeploy.ecs_groups_by_app", lambda: _ecs_groups_by_app(model)).get(resource.address, [])
        if not groups:
            return
        platform = resource.get("compute_platform")
        names = ", ".join(g.address for g in groups)
        if isinstance(platform, (Ref, Unknown)):
            yield self.unproven(resource, f"compute_platform of {resource.address} (used by {names}) must be \"ECS\"", path="compute_platform")
            return
        if platform == "ECS":
            return
        shown = f'"{platform}"' if not is_absent(platform) else 'unset (default "Server")'
        yield self.finding(
            resource,
            f"{resource.address} has compute_platform {shown}, but {names} deploys an ECS service: "
            f"set compute_platform = \"ECS\"",
            path="compute_platform",
            fix='compute_platform = "ECS"',
            related=[g.address for g in groups],
        )


# --- R-51 ------------------------------------------------------------------------------------------


class EcsDeploymentConfigName(_GroupRule):
    id = "TFBG504"
    severity = Severity.ERROR
    summary = "ECS deployment group without an ECS deployment configuration"
    source = (
        "provider doc codedeploy_deployment_group.html.markdown (deployment_config_name default "
        "CodeDeployDefault.OneAtATime); ECS DG deployment-type-bluegreen.html (ECS configurations)"
    )
    FIX = 'deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"'

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        value = group.get("deployment_config_name")
        path = "deployment_config_name"
        if is_absent(value):
            yield self.finding(
                group,
                f"{group.address} deploys ECS but has no deployment_config_name, so it defaults to "
                f"CodeDeployDefault.OneAtATime (an EC2/on-premises configuration): set an ECS one, e.g. "
                f"CodeDeployDefault.ECSAllAtOnce, ECSLinear10PercentEvery1Minutes or ECSCanary10Percent5Minutes",
                path=path,
                fix=self.FIX,
            )
            return
        if isinstance(value, str) and value.startswith("CodeDeployDefault."):
            if not value.startswith("CodeDeployDefault.ECS"):
                yield self.finding(
                    group,
                    f"{group.address} deploys ECS but deployment_config_name \"{value}\" is not an ECS "
                    f"configuration: use one of CodeDeployDefault.ECS* (e.g. CodeDeployDefault.ECSAllAtOnce)",
                    path=path,
                    fix=self.FIX,
                )
            return
        config = named(model, ("aws_codedeploy_deployment_config",), value, "deployment_config_name")
        if not isinstance(config, Resource):
            yield self.unproven(group, f"deployment_config_name {short(value)} of {group.address} is an ECS configuration", path=path)
            return
        platform = config.get("compute_platform")
        if isinstance(platform, (Ref, Unknown)):
            yield self.unproven(group, f"{config.address} has compute_platform \"ECS\"", path=path)
        elif platform != "ECS":
            shown = f'"{platform}"' if not is_absent(platform) else 'unset (default "Server")'
            yield self.finding(
                group,
                f"{group.address} deploys ECS but its deployment configuration {config.address} has "
                f"compute_platform {shown}: set compute_platform = \"ECS\" on {config.address}",
                path=path,
                fix='compute_platform = "ECS"  # in ' + config.address,
                related=[config.address],
            )


# --- R-52 ------------------------------------------------------------------------------------------


class EcsDeploymentStyle(_GroupRule):
    id = "TFBG505"
    severity = Severity.ERROR
    summary = "ECS deployment group not BLUE_GREEN with WITH_TRAFFIC_CONTROL"
    source = (
        "provider doc codedeploy_deployment_group.html.markdown (ECS example; defaults IN_PLACE / "
        "WITHOUT_TRAFFIC_CONTROL); ECS DG deployment-type-bluegreen.html [inferred: blue/green is the only ECS mode]"
    )
    WANTED = (("deployment_type", "BLUE_GREEN", "IN_PLACE"), ("deployment_option", "WITH_TRAFFIC_CONTROL", "WITHOUT_TRAFFIC_CONTROL"))
    FIX = 'deployment_style {\n  deployment_type   = "BLUE_GREEN"\n  deployment_option = "WITH_TRAFFIC_CONTROL"\n}'

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        style = group.get("deployment_style")
        if isinstance(style, (Ref, Unknown)):
            yield self.unproven(group, f"deployment_style of {group.address} is BLUE_GREEN / WITH_TRAFFIC_CONTROL", path="deployment_style")
            return
        wrong: list[str] = []
        path = "deployment_style.0" if not is_absent(style) else ""
        for attribute, wanted, default in self.WANTED:
            value = group.get(f"deployment_style.0.{attribute}")
            if isinstance(value, (Ref, Unknown)):
                yield self.unproven(group, f"deployment_style.{attribute} of {group.address} is {wanted}", path=f"deployment_style.0.{attribute}")
                continue
            if is_absent(value):
                wrong.append(f"{attribute} is unset (default {default})")
            elif value != wanted:
                wrong.append(f"{attribute} is \"{value}\"")
                if path in ("", "deployment_style.0"):
                    path = f"deployment_style.0.{attribute}"
        if wrong:
            yield self.finding(
                group,
                f"{group.address} deploys ECS, which CodeDeploy only does as blue/green with traffic "
                f"control, but {' and '.join(wrong)}: set deployment_type = \"BLUE_GREEN\" and "
                f"deployment_option = \"WITH_TRAFFIC_CONTROL\"",
                path=path,
                fix=self.FIX,
            )


# --- R-53 ------------------------------------------------------------------------------------------


class TargetGroupPairShape(_GroupRule):
    id = "TFBG506"
    severity = Severity.ERROR
    summary = "ECS deployment group without exactly two target groups and one production listener"
    source = (
        "ECS DG deployment-type-bluegreen.html (\"You must define two target groups\"); provider doc "
        "codedeploy_deployment_group.html.markdown (prod_traffic_route: \"Must contain exactly one listener ARN\")"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        pair = group.get(PAIR)
        if isinstance(pair, (Ref, Unknown)):
            yield self.unproven(group, f"{group.address} has two target groups and one production listener", path="load_balancer_info")
            return
        if is_absent(pair):
            yield self.finding(
                group,
                f"{group.address} deploys ECS but has no load_balancer_info.target_group_pair_info: add it "
                f"with two target_group blocks and a prod_traffic_route with the production listener",
                path="load_balancer_info.0" if not is_absent(group.get("load_balancer_info")) else "",
                fix="load_balancer_info {\n  target_group_pair_info {\n    prod_traffic_route { listener_arns = [aws_lb_listener.prod.arn] }\n"
                "    target_group { name = aws_lb_target_group.blue.name }\n    target_group { name = aws_lb_target_group.green.name }\n  }\n}",
            )
            return
        names = target_group_names(group)
        if isinstance(names, Unknown):
            yield self.unproven(group, f"{group.address} has exactly two target_group blocks", path=f"{TARGET_GROUP_BLOCKS}.0")
        elif len(names) != 2:
            yield self.finding(
                group,
                f"{group.address} names {len(names)} target group(s) in target_group_pair_info; CodeDeploy "
                f"blue/green for ECS needs exactly two (the service's current one and the replacement)",
                path=f"{TARGET_GROUP_BLOCKS}.0",
                fix="target_group { name = aws_lb_target_group.blue.name }\ntarget_group { name = aws_lb_target_group.green.name }",
            )
        listeners = listener_values(group, PROD_LISTENERS)
        if isinstance(listeners, Unknown):
            yield self.unproven(group, f"prod_traffic_route of {group.address} has exactly one listener ARN", path=PROD_LISTENERS)
        elif len(listeners) != 1:
            yield self.finding(
                group,
                f"prod_traffic_route.listener_arns of {group.address} has {len(listeners)} listener ARNs; it "
                f"must contain exactly one (the production listener)",
                path=PROD_LISTENERS if not is_absent(group.get(PROD_LISTENERS)) else f"{PAIR}.prod_traffic_route.0",
                fix="prod_traffic_route {\n  listener_arns = [aws_lb_listener.prod.arn]\n}",
            )


# --- R-54 ------------------------------------------------------------------------------------------


def listener_type(model: Model, value: Any) -> str | Unknown | None:
    listener = resolve_resource(model, value)
    if isinstance(listener, Resource) and listener.type in LISTENER_TYPES:
        return listener_lb_type(model, listener)
    if isinstance(value, str):
        return lb_type_of_arn(value)
    if isinstance(listener, Unknown) or isinstance(value, (Ref, Unknown)):
        return Unknown(str(value))
    return None


class NlbAllAtOnce(_GroupRule):
    id = "TFBG507"
    severity = Severity.ERROR
    summary = "CodeDeploy ECS deployment behind an NLB with a configuration other than ECSAllAtOnce"
    source = "ECS DG deployment-type-bluegreen.html (Network Load Balancer: only CodeDeployDefault.ECSAllAtOnce)"

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        config = group.get("deployment_config_name")
        if is_absent(config) or config == ALL_AT_ONCE:
            return  # unset: TFBG504 reports it
        listeners = listener_values(group, PROD_LISTENERS)
        if isinstance(listeners, Unknown):
            return
        kinds = [listener_type(model, value) for value in listeners]
        if "network" not in kinds:
            if any(isinstance(k, Unknown) for k in kinds) and not (isinstance(config, str) and "AllAtOnce" in config):
                yield self.unproven(group, f"the production listener of {group.address} is not on a Network Load Balancer (NLB allows only {ALL_AT_ONCE})", path=PROD_LISTENERS)
            return
        if isinstance(config, (Ref, Unknown)):
            yield self.unproven(group, f"{group.address} is behind an NLB, so deployment_config_name must be {ALL_AT_ONCE}", path="deployment_config_name")
            return
        yield self.finding(
            group,
            f"{group.address} shifts traffic on a Network Load Balancer listener, which CodeDeploy supports "
            f"only with {ALL_AT_ONCE}, but deployment_config_name is {short(config)}",
            path="deployment_config_name",
            fix=f'deployment_config_name = "{ALL_AT_ONCE}"',
        )


# --- R-55 ------------------------------------------------------------------------------------------


def lbs_forwarding_to(model: Model, target_group: Resource) -> set[str] | Unknown:
    """Load balancers whose listeners or listener rules forward to a target group."""
    return model.memo("codedeploy.lbs_by_target_group", lambda: _lbs_by_target_group(model)).get(target_group.address, set())


def _lbs_by_target_group(model: Model) -> dict[str, set[str] | Unknown]:
    index: dict[str, set[str] | Unknown] = {}
    for resource in model.by_type(*LISTENER_TYPES, *LISTENER_RULE_TYPES):
        groups = [resolve_resource(model, t.arn) for t in forward_targets(resource).targets]
        groups = [g for g in groups if isinstance(g, Resource)]
        if not groups:
            continue
        listener: Any = resource if resource.type in LISTENER_TYPES else listener_of_rule(model, resource)
        identity: str | Unknown = (
            lb_identity(model, Ref(listener.address, "arn"))
            if isinstance(listener, Resource)
            else Unknown(f"listener of {resource.address}")
        )
        for group in groups:
            known = index.get(group.address, set())
            if isinstance(identity, Unknown) or isinstance(known, Unknown):
                index[group.address] = identity if isinstance(identity, Unknown) else known
            else:
                index[group.address] = known | {identity}
    return index


class SameLoadBalancer(_GroupRule):
    id = "TFBG508"
    severity = Severity.WARNING
    summary = "CodeDeploy test listener or second target group on a different load balancer"
    source = (
        "ECS DG deployment-type-bluegreen.html (both listeners on the same load balancer; the second "
        "target group must not be associated with a different load balancer)"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        reported = list(self._listeners(group, model))
        yield from reported
        if not reported:  # a test listener on another LB also puts the second TG there: say it once
            yield from self._target_groups(group, model)

    def _listeners(self, group: Resource, model: Model) -> Iterator[Finding]:
        prod = listener_values(group, PROD_LISTENERS)
        test = listener_values(group, TEST_LISTENERS)
        if isinstance(prod, Unknown) or isinstance(test, Unknown) or len(prod) != 1 or not test:
            return
        prod_lb = lb_identity(model, prod[0])
        for value in test:
            test_lb = lb_identity(model, value)
            if isinstance(prod_lb, Unknown) or isinstance(test_lb, Unknown):
                yield self.unproven(group, f"the test and production listeners of {group.address} are on the same load balancer", path=TEST_LISTENERS)
            elif prod_lb != test_lb:
                yield self.finding(
                    group,
                    f"the test listener of {group.address} ({short(value)}) is on {test_lb}, "
                    f"but the production listener ({short(prod[0])}) is on {prod_lb}: CodeDeploy needs both "
                    f"listeners on the same load balancer",
                    path=TEST_LISTENERS,
                    fix="use a test listener (another port) on the production listener's load balancer",
                )
                return

    def _target_groups(self, group: Resource, model: Model) -> Iterator[Finding]:
        groups = group_target_groups(group, model)
        if isinstance(groups, Unknown) or len(groups) != 2:
            return
        if not all(isinstance(g, Resource) for g in groups):
            return  # names of target groups managed elsewhere: nothing to compare
        first, second = (lbs_forwarding_to(model, g) for g in groups)  # type: ignore[arg-type]
        if isinstance(first, Unknown) or isinstance(second, Unknown):
            yield self.unproven(group, f"both target groups of {group.address} are on the same load balancer", path=f"{TARGET_GROUP_BLOCKS}.1")
            return
        if first and second and not first & second:
            yield self.finding(
                group,
                f"the target groups of {group.address} are attached to different load balancers: "
                f"{groups[0].address} to {', '.join(sorted(first))}, {groups[1].address} to "  # type: ignore[union-attr]
                f"{', '.join(sorted(second))}; the replacement target group must be on the service's load balancer",
                path=f"{TARGET_GROUP_BLOCKS}.1",
                fix="forward to both target groups only from listeners of the same load balancer",
                related=[g.address for g in groups],  # type: ignore[union-attr]
            )


# --- R-56 ------------------------------------------------------------------------------------------


def tg_identities(model: Model, value: Any) -> set[str] | Unknown:
    """What identifies a target group: its address and its name (from a known name or ARN)."""
    found = named(model, TARGET_GROUP_TYPES, value)
    ids: set[str] = set()
    if isinstance(found, Unknown):
        return found
    if isinstance(found, Resource):
        ids.add(found.address)
        name = found.get("name")
        if isinstance(name, str) and name:
            ids.add(f"name:{name}")
        return ids
    if isinstance(value, Ref):
        return Unknown(str(value))
    if isinstance(value, str):
        ids.add(f"name:{arn_name(value) or value}")
    return ids


class ServiceTargetGroupInPair(_GroupRule):
    id = "TFBG509"
    severity = Severity.WARNING
    summary = "service's target group is not one of the deployment group's two target groups"
    source = (
        "ECS DG deployment-type-bluegreen.html (\"One target group should be the initial target group "
        "defined for the load balancer when the Amazon ECS service was created\")"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        service = group_service(group, model)
        names = target_group_names(group)
        if not isinstance(service, Resource) or isinstance(names, Unknown) or not names:
            return
        entries = load_balancers(service)
        if isinstance(entries, Unknown):
            yield self.unproven(group, f"the target group of {service.address} is one of {group.address}'s target groups", path=f"{TARGET_GROUP_BLOCKS}.0")
            return
        pair: set[str] = set()
        for name in names:
            ids = tg_identities(model, name)
            if isinstance(ids, Unknown):
                yield self.unproven(group, f"the target group of {service.address} is one of {group.address}'s target groups", path=f"{TARGET_GROUP_BLOCKS}.0")
                return
            pair |= ids
        for entry in entries:
            value = entry.target_group
            if value is None:
                continue
            ids = tg_identities(model, value)
            if isinstance(ids, Unknown):
                yield self.unproven(group, f"{service.address}'s target group {value} is one of {group.address}'s target groups", path=f"{TARGET_GROUP_BLOCKS}.0")
            elif ids and not ids & pair:
                shown = next((i for i in sorted(ids) if not i.startswith("name:")), sorted(ids)[0])
                yield self.finding(
                    group,
                    f"{service.address} starts on target group {shown.removeprefix('name:')}, which is not one of "
                    f"the two target groups of {group.address}: name the service's target group in one "
                    f"target_group block and the replacement in the other",
                    path=f"{TARGET_GROUP_BLOCKS}.0",
                    fix="target_group { name = <the service's target group>.name }",
                    related=[service.address],
                )


# --- R-57 ------------------------------------------------------------------------------------------

CODEDEPLOY_PRINCIPAL = "codedeploy.amazonaws.com"
ECS_ROLE_POLICY = "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"
EC2_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole"


class CodeDeployServiceRole(_GroupRule):
    """Asks group B's IAM evaluator (validator.iam) the questions of the CodeDeploy service role."""

    id = "TFBG510"
    severity = Severity.ERROR
    summary = "CodeDeploy service role not trusted by codedeploy.amazonaws.com or without the ECS deployment permissions"
    source = (
        "AWS Managed Policy Reference AWSCodeDeployRoleForECS; ECS DG codedeploy_IAM_role.html; "
        "provider doc codedeploy_deployment_group.html.markdown"
    )

    @staticmethod
    def attach_fix(role: Resource) -> str:
        return (
            f'resource "aws_iam_role_policy_attachment" "{role.name}_ecs" {{\n'
            f"  role       = {role.type}.{role.name}.name\n"
            f'  policy_arn = "{ECS_ROLE_POLICY}"\n}}'
        )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        path = "service_role_arn"
        value = group.get(path)
        if is_absent(value):
            return
        role = checks.role_of(model, value)
        if isinstance(role, Unknown):
            yield self.unproven(group, f"the service role of {group.address} ({value}) is trusted by {CODEDEPLOY_PRINCIPAL} and may run ECS deployments", path=path)
            return
        if not isinstance(role, Resource):
            return  # a role managed outside this configuration
        index = iam_index(model)
        policies = index.role(role)
        yield from self._trust(group, role, policies, path)
        yield from self._permissions(group, model, role, index, policies, path)

    def _trust(self, group: Resource, role: Resource, policies: Any, path: str) -> Iterator[Finding]:
        decision = checks.trust_decision(policies, CODEDEPLOY_PRINCIPAL)
        if decision is None:
            yield self.unproven(group, f"{role.address} has no trust policy in the model", path=path)
        elif decision.answer in (Answer.NOT_ALLOWED, Answer.DENIED):
            yield self.finding(
                group,
                f"{role.address}, the service role of {group.address}, does not let {CODEDEPLOY_PRINCIPAL} assume "
                f"it (sts:AssumeRole): CodeDeploy cannot run the deployment; trust {CODEDEPLOY_PRINCIPAL} in its "
                f"assume_role_policy",
                path=path,
                fix=checks.trust_snippet(CODEDEPLOY_PRINCIPAL),
                related=[role.address],
            )
        elif decision.answer in (Answer.UNKNOWN, Answer.CONDITIONAL):
            yield self.unproven(group, f"{role.address} lets {CODEDEPLOY_PRINCIPAL} assume it", path=path)

    def _permissions(self, group: Resource, model: Model, role: Resource, index: Any, policies: Any, path: str) -> Iterator[Finding]:
        service = group_service(group, model)
        needs = checks.codedeploy_needs(model, group, service if isinstance(service, Resource) else None)
        outcomes = checks.evaluate_needs(index, policies, needs)
        failing = [o for o in outcomes if o.answer in (Answer.NOT_ALLOWED, Answer.DENIED)]
        unsure = [o for o in outcomes if o.answer in (Answer.UNKNOWN, Answer.CONDITIONAL)]
        ec2_only = EC2_ROLE_POLICY in policies.managed_arns() and (failing or unsure)
        if ec2_only:
            # Its vendored document grants no ecs:* action: certain when nothing else was unknown.
            yield self.finding(
                group,
                f"{role.address}, the service role of {group.address}, relies on service-role/AWSCodeDeployRole, "
                f"the EC2/on-premises policy, which grants no ecs:* action: attach {ECS_ROLE_POLICY} "
                f"(or AWSCodeDeployRoleForECSLimited)",
                path=path,
                fix=self.attach_fix(role),
                related=[role.address],
                severity=None if failing else Severity.WARNING,
            )
        elif failing:
            missing: list[str] = []
            for outcome in failing:
                text = f"{outcome.need.action} on {checks.describe_targets(outcome)}"
                if outcome.answer is Answer.DENIED:
                    text += " (explicitly denied)"
                if text not in missing:
                    missing.append(text)
            yield self.finding(
                group,
                f"{role.address}, the service role of {group.address}, is not allowed {'; '.join(missing)}: "
                f"CodeDeploy needs these to create the replacement task set and switch the listeners; attach "
                f"{ECS_ROLE_POLICY} (or AWSCodeDeployRoleForECSLimited) or grant them",
                path=path,
                fix=f"{self.attach_fix(role)}\n# or grant (aws_iam_policy_document):\n{checks.statement_snippet(failing)}",
                related=[role.address],
            )
        elif unsure:
            actions = sorted({o.need.action for o in unsure})
            reasons: list[str] = []
            for outcome in unsure:
                reasons.extend(r for r in outcome.reasons if r not in reasons)
            because = f" ({'; '.join(reasons[:2])}{'; ...' if len(reasons) > 2 else ''})" if reasons else ""
            yield self.unproven(
                group, f"{role.address} is allowed {', '.join(actions[:3])}{' ...' if len(actions) > 3 else ''}{because}", path=path
            )


# --- R-58 ------------------------------------------------------------------------------------------


class NoAutoScalingGroups(_GroupRule):
    id = "TFBG511"
    severity = Severity.WARNING  # the catalogue's ERROR rests on a report (#7128)
    summary = "autoscaling_groups set on an ECS deployment group"
    source = "hashicorp/terraform-provider-aws issue #7128 (\"For ECS deployment group, autoScalingGroups can not be specified\") [reported]"

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        value = group.get("autoscaling_groups")
        if is_absent(value):
            return
        if isinstance(value, Unknown):
            yield self.unproven(group, f"autoscaling_groups of {group.address} is empty (ECS deployment groups take none)", path="autoscaling_groups")
            return
        yield self.finding(
            group,
            f"{group.address} deploys ECS but sets autoscaling_groups; CodeDeploy rejects it "
            f"(\"For ECS deployment group, autoScalingGroups can not be specified\"): remove autoscaling_groups",
            path="autoscaling_groups",
            fix="remove the autoscaling_groups argument",
        )


# --- R-59 ------------------------------------------------------------------------------------------


class AutoRollbackEvents(Rule):
    id = "TFBG512"
    severity = Severity.WARNING
    summary = "auto_rollback_configuration enabled without events"
    resource_types = (DEPLOYMENT_GROUP,)
    source = (
        "provider doc codedeploy_deployment_group.html.markdown (\"If you enable automatic rollback, you "
        "must specify at least one event type\")"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        enabled = resource.get("auto_rollback_configuration.0.enabled")
        if enabled is not True:
            return
        events = resource.get("auto_rollback_configuration.0.events")
        if isinstance(events, (Ref, Unknown)):
            yield self.unproven(resource, f"auto_rollback_configuration of {resource.address} lists events", path="auto_rollback_configuration.0.events")
        elif is_absent(events):
            yield self.finding(
                resource,
                f"{resource.address} enables automatic rollback but lists no events, so nothing triggers a "
                f"rollback: add events = [\"DEPLOYMENT_FAILURE\"] (and DEPLOYMENT_STOP_ON_ALARM with alarms)",
                path="auto_rollback_configuration.0.enabled",
                fix='auto_rollback_configuration {\n  enabled = true\n  events  = ["DEPLOYMENT_FAILURE"]\n}',
            )


# --- R-60 ------------------------------------------------------------------------------------------


class _Route:
    def __init__(self, group: Resource, role: str, target_groups: list[Any] | Unknown) -> None:
        self.group, self.role, self.target_groups = group, role, target_groups


def codedeploy_routes(model: Model) -> dict[str, list[_Route]]:
    """Address of each listener in an ECS deployment group's traffic routes -> the routes."""
    index: dict[str, list[_Route]] = {}
    for group in ecs_groups(model):
        tgs = group_target_groups(group, model)
        for path, role in ((PROD_LISTENERS, "production"), (TEST_LISTENERS, "test")):
            listeners = listener_values(group, path)
            if isinstance(listeners, Unknown):
                continue
            for value in listeners:
                listener = resolve_resource(model, value)
                if isinstance(listener, Resource):
                    index.setdefault(listener.address, []).append(_Route(group, role, tgs))
    return index


def ecs_groups(model: Model) -> Iterator[Resource]:
    for group in model.by_type(DEPLOYMENT_GROUP):
        if is_ecs_group(group, model):
            yield group


def forwards_to_group(model: Model, resource: Resource, routes: list[_Route]) -> bool | None:
    """Does this listener/rule forward to a target group of the deployment group(s)?"""
    forwards = forward_targets(resource)
    if not forwards.targets:
        return None if not forwards.complete else False
    maybe = not forwards.complete
    for route in routes:
        if isinstance(route.target_groups, Unknown) or not all(isinstance(t, Resource) for t in route.target_groups):
            maybe = True
            continue
        for target in forwards.targets:
            found = resolve_resource(model, target.arn)
            if any(found is t for t in route.target_groups):
                return True
            if not isinstance(found, Resource):
                maybe = True
    return None if maybe else False


class CodeDeployRoutesIgnoreChanges(Rule):
    id = "TFBG513"
    needs_lifecycle = True
    severity = Severity.ERROR  # docs/severity.md: the next apply reverts traffic (documented)
    summary = "CodeDeploy production/test listener or rule without ignore_changes on its forward action"
    resource_types = (*LISTENER_TYPES, *LISTENER_RULE_TYPES)
    source = (
        "hashicorp/terraform-provider-aws issue #28129 (\"ValidationError: A target group ARN must be "
        "specified\") [reported]; traveloka/terraform-aws-alb-single-listener PR #47 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        index = model.memo("codedeploy.routes", lambda: codedeploy_routes(model))
        if not index:
            return
        if resource.type in LISTENER_TYPES:
            routes = index.get(resource.address)
            what = "listener"
        else:
            listener = listener_of_rule(model, resource)
            routes = index.get(listener.address) if isinstance(listener, Resource) else None
            what = f"rule on listener {listener.address}" if isinstance(listener, Resource) else "rule"
        if not routes:
            return
        missing = uncovered_forward_paths(resource)
        if not missing:
            return
        groups = sorted({r.group.address for r in routes})
        roles = " and ".join(sorted({r.role for r in routes}, reverse=False))
        message = (
            f"{resource.address} is a {roles} traffic-route {what} of {', '.join(groups)}; CodeDeploy rewrites "
            f"its forward action on every deployment, but lifecycle.ignore_changes does not cover "
            f"{', '.join(missing)}: the next terraform apply would send traffic back to the declared target "
            f"group or fail with \"A target group ARN must be specified\""
        )
        forwards = forwards_to_group(model, resource, routes)
        if forwards is False:
            return
        if forwards is None:
            yield self.unproven(resource, message, path=LIFECYCLE_PATH)
            return
        attribute = "default_action" if resource.type in LISTENER_TYPES else "action"
        yield self.finding(
            resource,
            message,
            path=LIFECYCLE_PATH,
            fix=f"lifecycle {{\n  ignore_changes = [{attribute}]\n}}",
            related=groups,
        )


RULES: list[Rule] = [
    CodeDeployServiceIgnoreChanges(),
    CodeDeployAppComputePlatform(),
    EcsDeploymentConfigName(),
    EcsDeploymentStyle(),
    TargetGroupPairShape(),
    NlbAllAtOnce(),
    SameLoadBalancer(),
    ServiceTargetGroupInPair(),
    CodeDeployServiceRole(),
    NoAutoScalingGroups(),
    AutoRollbackEvents(),
    CodeDeployRoutesIgnoreChanges(),
]
