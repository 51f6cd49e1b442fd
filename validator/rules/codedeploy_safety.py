"""Group E, ids TFBG514-TFBG519: CodeDeploy blue/green settings that fail a deployment or leave it
without the rollback the configuration promises.

- TFBG514 DEPLOYMENT_STOP_ON_ALARM without an enabled alarm_configuration;
- TFBG515 an ECS deployment group without auto_rollback_configuration;
- TFBG516 force_new_deployment = true on a CODE_DEPLOY service;
- TFBG517 a CODE_DEPLOY service that no deployment group of the configuration deploys;
- TFBG518 minimum_healthy_hosts on an ECS deployment configuration;
- TFBG519 an ECS deployment group naming a service whose controller is not CODE_DEPLOY.
"""

from __future__ import annotations

from typing import Any, Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.codedeploy import DEPLOYMENT_GROUP, _GroupRule, ecs_groups, group_service, short
from validator.rules.helpers import controller_of, is_true

ROLLBACK = "auto_rollback_configuration"
ALARMS = "alarm_configuration"
STOP_ON_ALARM = "DEPLOYMENT_STOP_ON_ALARM"
GROUP_DOC = (
    "provider docs website/docs/r/codedeploy_deployment_group.html.markdown (auto_rollback_configuration, "
    "alarm_configuration)"
)


class StopOnAlarmWithoutAlarms(_GroupRule):
    id = "TFBG514"
    severity = Severity.WARNING
    summary = "DEPLOYMENT_STOP_ON_ALARM rollback without an enabled alarm_configuration"
    source = (
        f"{GROUP_DOC}; CodeDeploy UG deployments-rollback-and-redeploy.html (rollback when an alarm threshold "
        "is met uses the deployment group's alarms) [inferred: no alarm, no rollback]"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        events = group.get(f"{ROLLBACK}.0.events")
        if not isinstance(events, list) or STOP_ON_ALARM not in events:
            return
        if is_true(group.get(f"{ROLLBACK}.0.enabled")) is False:
            return  # rollback is off: the events do nothing either way
        path = f"{ROLLBACK}.0.events"
        enabled = group.get(f"{ALARMS}.0.enabled")
        alarms = group.get(f"{ALARMS}.0.alarms")
        if isinstance(enabled, (Ref, Unknown)) or isinstance(alarms, (Ref, Unknown)):
            unknown = enabled if isinstance(enabled, (Ref, Unknown)) else alarms
            yield self.unproven(
                group,
                f"{group.address} rolls back on {STOP_ON_ALARM}, which needs an enabled alarm_configuration with "
                f"alarms ({unknown} is not known statically)",
                path=path,
            )
            return
        if is_absent(group.get(ALARMS)):
            why = "has no alarm_configuration"
        elif enabled is not True:
            why = "has alarm_configuration.enabled = false" if enabled is False else "does not enable alarm_configuration"
        elif is_absent(alarms):
            why = "lists no alarms in alarm_configuration"
        else:
            return
        yield self.finding(
            group,
            f"{group.address} rolls back on {STOP_ON_ALARM} but {why}: CodeDeploy watches no CloudWatch alarm "
            f"during the deployment, so a deployment that breaks the service is never stopped and rolled back",
            path=path,
            fix=f'{ALARMS} {{\n  enabled = true\n  alarms  = [aws_cloudwatch_metric_alarm.target_5xx.alarm_name]\n}}',
        )


class NoAutoRollback(_GroupRule):
    id = "TFBG515"
    severity = Severity.WARNING
    summary = "ECS deployment group without auto_rollback_configuration"
    source = (
        f"{GROUP_DOC}; CodeDeploy UG deployments-rollback-and-redeploy.html (\"If a deployment fails ... and "
        "automatic rollback is not configured\", no rollback happens) [inferred for traffic already shifted]"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        value = group.get(ROLLBACK)
        if isinstance(value, (Ref, Unknown)):
            yield self.unproven(group, f"{group.address} configures automatic rollback ({value} is not known statically)", path=ROLLBACK)
            return
        if not is_absent(value):
            return  # written, also `enabled = false`: a decision, not an omission
        yield self.finding(
            group,
            f"{group.address} deploys ECS without auto_rollback_configuration: when a deployment fails after "
            f"traffic has moved (an AfterAllowTraffic hook fails, the replacement tasks stop), CodeDeploy leaves "
            f"production on the failed task set instead of moving it back",
            fix=f'{ROLLBACK} {{\n  enabled = true\n  events  = ["DEPLOYMENT_FAILURE", "{STOP_ON_ALARM}"]\n}}',
        )


class ForceNewDeploymentOnCodeDeploy(Rule):
    id = "TFBG516"
    severity = Severity.ERROR
    summary = "force_new_deployment = true on a CODE_DEPLOY service"
    resource_types = ("aws_ecs_service",)
    source = (
        "ECS API UpdateService (a CODE_DEPLOY service takes only desired count, deployment configuration, "
        "placement, health check grace period, tags); provider internal/service/ecs/service.go (Update sends "
        "ForceNewDeployment = force_new_deployment on every update); hashicorp/terraform-provider-aws "
        "#13473 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        forced = is_true(resource.get("force_new_deployment"))
        if forced is False:
            return
        controller = controller_of(resource)
        if isinstance(controller, str) and controller != "CODE_DEPLOY":
            return
        path = "force_new_deployment"
        if forced is None and not isinstance(controller, str):
            return  # two unknowns: nothing says this is a CODE_DEPLOY service that forces deployments
        if forced is None or not isinstance(controller, str):
            unknown = resource.get(path) if forced is None else controller
            yield self.unproven(
                resource,
                f"{resource.address} must not set force_new_deployment = true with the CODE_DEPLOY controller "
                f"({unknown} is not known statically)",
                path=path,
            )
            return
        yield self.finding(
            resource,
            f"{resource.address} uses the CODE_DEPLOY controller and sets force_new_deployment = true; the "
            f"provider sends forceNewDeployment with every update of the service, and ECS refuses it for "
            f"CODE_DEPLOY services (InvalidParameterException \"... on services with a CODE_DEPLOY deployment "
            f"controller. Use AWS CodeDeploy to trigger a new deployment.\"), so every later apply that touches "
            f"the service fails: deploy through CodeDeploy and remove force_new_deployment",
            path=path,
            fix="force_new_deployment = false",
        )


def _missing_modules(model: Model) -> list[str]:
    """Module calls whose code was not read (registry/git modules before `terraform init`)."""
    return [d.message.split(":", 1)[0] for d in model.diagnostics if "is not on disk" in d.message]


class CodeDeployServiceWithoutGroup(Rule):
    id = "TFBG517"
    severity = Severity.WARNING
    summary = "CODE_DEPLOY service that no deployment group in the configuration deploys"
    resource_types = ("aws_ecs_service",)
    source = (
        "ECS DG deployment-type-bluegreen.html (a CODE_DEPLOY service is deployed by a CodeDeploy deployment "
        "group naming it); API UpdateService (task definition updates are refused for CODE_DEPLOY services)"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if controller_of(resource) != "CODE_DEPLOY":
            return
        groups = model.memo("TFBG517.groups", lambda: _EcsGroups(model))
        if resource.address in groups.deployed:
            return
        unknown = list(groups.unknown)
        name = resource.get("name")
        if not isinstance(name, str):
            unknown.append(f"the name of {resource.address}")
        missing = groups.missing_modules
        if missing:
            unknown.append(f"the modules not on disk ({', '.join(missing)})")
        if unknown or not groups.all:
            why = (
                f"{unknown[0]} is not known statically" if unknown
                else f"there is no aws_codedeploy_deployment_group in this configuration (another configuration may deploy it)"
            )
            yield self.unproven(resource, f"a CodeDeploy deployment group deploys the CODE_DEPLOY service {resource.address}: {why}", path="deployment_controller.0.type")
            return
        shown = groups.all[:_GROUPS_NAMED]
        names = ", ".join(f"{g.address} ({short(g.get('ecs_service.0.service_name'))})" for g in shown)
        if len(groups.all) > len(shown):
            names += f" and {len(groups.all) - len(shown)} more"
        yield self.finding(
            resource,
            f"{resource.address} uses the CODE_DEPLOY controller, but no deployment group of this configuration "
            f"deploys it (the ECS deployment groups name {names}): ECS refuses task definition updates for "
            f"CODE_DEPLOY services, so without a deployment group for \"{name}\" it cannot be deployed at all",
            path="deployment_controller.0.type",
            fix="ecs_service {\n  cluster_name = aws_ecs_cluster.main.name\n  service_name = aws_ecs_service.app.name\n}",
            related=[g.address for g in shown],
        )


# A finding names this many deployment groups at most (a monorepo has hundreds).
_GROUPS_NAMED = 5


class _EcsGroups:
    """The model's ECS deployment groups, read once per model (not once per service: a monorepo
    with a thousand CODE_DEPLOY services and as many groups made that a million lookups)."""

    def __init__(self, model: Model) -> None:
        self.all = list(ecs_groups(model))
        self.deployed: set[str] = set()  # addresses of the services a group names
        self.unknown: list[str] = []  # groups whose service cannot be told
        for group in self.all:
            target = group_service(group, model)
            if isinstance(target, Resource):
                self.deployed.add(target.address)
            elif isinstance(target, Unknown) or (target is None and _names_unknown(group)):
                self.unknown.append(f"ecs_service.service_name of {group.address}")
        self.missing_modules = _missing_modules(model)


def _names_unknown(group: Resource) -> bool:
    value = group.get("ecs_service.0.service_name")
    return isinstance(value, (Ref, Unknown))


class MinimumHealthyHostsOnEcs(Rule):
    id = "TFBG518"
    severity = Severity.WARNING
    summary = "minimum_healthy_hosts on an ECS deployment configuration"
    resource_types = ("aws_codedeploy_deployment_config",)
    source = (
        "provider docs website/docs/r/codedeploy_deployment_config.html.markdown (minimum_healthy_hosts: "
        "\"Required for Server compute platform\"; ECS and Lambda shift traffic with traffic_routing_config); "
        "CodeDeploy API CreateDeploymentConfig (minimumHealthyHosts counts instances) [inferred]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if is_absent(resource.get("minimum_healthy_hosts")):
            return
        platform = resource.get("compute_platform")
        path = "minimum_healthy_hosts.0"
        if isinstance(platform, (Ref, Unknown)):
            yield self.unproven(resource, f"{resource.address} sets minimum_healthy_hosts, which only a Server configuration takes ({platform} is not known statically)", path=path)
            return
        if platform != "ECS":
            return
        yield self.finding(
            resource,
            f"{resource.address} is an ECS deployment configuration but sets minimum_healthy_hosts, a setting of "
            f"EC2/on-premises (Server) deployments: an ECS blue/green deployment replaces a task set and shifts "
            f"traffic as traffic_routing_config says; remove minimum_healthy_hosts and use traffic_routing_config",
            path=path,
            fix='traffic_routing_config {\n  type = "TimeBasedCanary"\n  time_based_canary {\n    interval   = 5\n    percentage = 10\n  }\n}',
        )


class GroupServiceNotCodeDeploy(_GroupRule):
    id = "TFBG519"
    severity = Severity.WARNING
    summary = "ECS deployment group names a service whose deployment controller is not CODE_DEPLOY"
    source = (
        "ECS DG deployment-type-bluegreen.html (CodeDeploy blue/green is the CODE_DEPLOY deployment controller); "
        "ECS API CreateTaskSet (task sets, which CodeDeploy creates, exist only under the CODE_DEPLOY and "
        "EXTERNAL controllers) [inferred]"
    )

    def check_group(self, group: Resource, model: Model) -> Iterator[Finding]:
        service = group_service(group, model)
        if not isinstance(service, Resource):
            return  # a service of another configuration, or one named by an unknown value
        controller = controller_of(service)
        path = "ecs_service.0.service_name"
        if isinstance(controller, (Ref, Unknown)):
            yield self.unproven(group, f"{service.address}, deployed by {group.address}, uses the CODE_DEPLOY controller ({controller} is not known statically)", path=path)
            return
        if controller == "CODE_DEPLOY":
            return
        yield self.finding(
            group,
            f"{group.address} deploys {service.address}, whose deployment controller is {controller}: CodeDeploy "
            f"deploys an ECS service by creating task sets, which ECS allows only for services with the "
            f"CODE_DEPLOY controller, so its deployments fail; set deployment_controller {{ type = \"CODE_DEPLOY\" }} "
            f"on the service (a new service: ECS cannot switch a service to CODE_DEPLOY), or drop the deployment group "
            f"and use the ECS controller's own blue/green strategy",
            path=path,
            fix='deployment_controller {\n  type = "CODE_DEPLOY"\n}',
            related=[service.address],
        )


RULES: list[Rule] = [
    StopOnAlarmWithoutAlarms(),
    NoAutoRollback(),
    ForceNewDeploymentOnCodeDeploy(),
    CodeDeployServiceWithoutGroup(),
    MinimumHealthyHostsOnEcs(),
    GroupServiceNotCodeDeploy(),
]
