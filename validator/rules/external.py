"""Group F, ids TFBG6xx: EXTERNAL controller and task sets (catalogue R-61..R-65).

R-64 (TFBG604: a plan that replaces a task set) needs a plan's actions and belongs to the plan
workstream; its id is left free here.
"""

from __future__ import annotations

from typing import Iterator

from validator.findings import Finding, Severity
from validator.model import Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import controller_of, resolve_resource

TASK_SET = "aws_ecs_task_set"
EXTERNAL_DOC = "ECS DG deployment-type-external.html"


class TaskSetNeedsExternalService(Rule):
    id = "TFBG601"
    severity = Severity.ERROR
    summary = "aws_ecs_task_set on a service whose deployment controller is not EXTERNAL"
    resource_types = (TASK_SET,)
    source = (
        "AWS CLI create-task-set (\"This is used when a service uses the EXTERNAL deployment controller "
        "type\"); ECS DG deployment-type-external.html"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        value = resource.get("service")
        service = resolve_resource(model, value)
        if isinstance(service, Unknown):
            yield self.unproven(resource, f"the service of {resource.address} uses the EXTERNAL controller", path="service")
            return
        if not isinstance(service, Resource) or service.type != "aws_ecs_service":
            return  # a service managed elsewhere
        controller = controller_of(service)
        if isinstance(controller, (Ref, Unknown)):
            yield self.unproven(resource, f"{service.address} uses the EXTERNAL controller", path="service")
            return
        if controller == "EXTERNAL":
            return
        yield self.finding(
            resource,
            f"{resource.address} creates a task set on {service.address}, whose deployment controller is "
            f"{controller}; ECS accepts task sets only on services with the EXTERNAL controller: set "
            f"deployment_controller {{ type = \"EXTERNAL\" }} on {service.address} or remove the task set",
            path="service",
            fix='deployment_controller {\n  type = "EXTERNAL"\n}',
            related=[service.address],
        )


class TaskSetSingleLoadBalancer(Rule):
    id = "TFBG602"
    severity = Severity.ERROR
    summary = "aws_ecs_task_set with more than one load_balancer"
    resource_types = (TASK_SET,)
    source = (
        "provider src internal/service/ecs/task_set.go (comment: multiple target groups are not supported "
        "with CodeDeploy or an external controller); ECS DG register-multiple-targetgroups.html"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        blocks = resource.get("load_balancer")
        if isinstance(blocks, (Ref, Unknown)):
            yield self.unproven(resource, f"{resource.address} has at most one load_balancer", path="load_balancer")
            return
        if not isinstance(blocks, list) or len(blocks) <= 1:
            return
        yield self.finding(
            resource,
            f"{resource.address} has {len(blocks)} load_balancer blocks; with the EXTERNAL controller a task "
            f"set can register with one target group only: keep one load_balancer block",
            path="load_balancer.1",
            fix="keep a single load_balancer { target_group_arn = ... } per task set",
        )


# Attributes that belong to the task sets of an EXTERNAL service. `launch_type` and
# `platform_version` are Optional+Computed: a plan shows them unknown when not written, so an
# Unknown there proves nothing and is skipped in plans.
TASK_SET_OWNED = ("task_definition", "launch_type", "load_balancer", "network_configuration", "platform_version")
COMPUTED = ("launch_type", "platform_version")


class ExternalServiceTaskSetAttributes(Rule):
    id = "TFBG603"
    severity = Severity.WARNING
    summary = "EXTERNAL service declares settings that belong to its task sets"
    resource_types = ("aws_ecs_service",)
    source = (
        "ECS DG deployment-type-external.html; provider src internal/service/ecs/service.go (Create sends "
        "launch_type \"\", Read leaves task_definition unset); aws/aws-cdk PR #16919 [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if controller_of(resource) != "EXTERNAL":
            return
        for attribute in TASK_SET_OWNED:
            value = resource.get(attribute)
            if is_absent(value):
                continue
            if isinstance(value, Unknown):
                if model.kind == "plan" and attribute in COMPUTED:
                    continue
                yield self.unproven(resource, f"{attribute} of the EXTERNAL service {resource.address} is unset", path=attribute)
                continue
            path = f"{attribute}.0" if isinstance(value, list) else attribute  # a block: its first line
            yield self.finding(
                resource,
                f"{resource.address} uses the EXTERNAL controller but sets {attribute}; ECS ignores or blanks it "
                f"and rejects later changes (they need a new task set), so Terraform shows a diff on every "
                f"plan: move {attribute} to the aws_ecs_task_set resources and remove it from the service",
                path=path,
                fix=f"remove {attribute} from {resource.address}; set it on aws_ecs_task_set",
            )


class TaskSetWaitUntilStable(Rule):
    id = "TFBG605"
    severity = Severity.INFO
    summary = "aws_ecs_task_set without wait_until_stable = true"
    resource_types = (TASK_SET,)
    source = "provider src internal/service/ecs/task_set.go (wait_until_stable default false, timeout default 10m)"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        value = resource.get("wait_until_stable")
        if value is True:
            return
        if isinstance(value, (Ref, Unknown)):
            yield self.unproven(resource, f"{resource.address} waits until stable", path="wait_until_stable")
            return
        yield self.finding(
            resource,
            f"{resource.address} does not wait until its tasks are stable: terraform apply finishes while the "
            f"task set may still fail to start; set wait_until_stable = true (and wait_until_stable_timeout, "
            f"default 10m, when tasks start slowly)",
            path="wait_until_stable",
            fix="wait_until_stable = true",
        )


RULES: list[Rule] = [
    TaskSetNeedsExternalService(),
    TaskSetSingleLoadBalancer(),
    ExternalServiceTaskSetAttributes(),
    TaskSetWaitUntilStable(),
]
