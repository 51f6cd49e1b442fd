"""Service settings that break a deployment whatever its strategy (TFBG126-TFBG128): what
`task_definition` names, task placement on Fargate, and replacing a service whose name is fixed."""

from __future__ import annotations

import re
from typing import Any, Iterator

from validator.findings import Finding, Severity
from validator.model import JsonDocument, Model, Ref, Resource, Unknown, is_absent
from validator.rules.base import Rule
from validator.rules.helpers import controller_of, type_of_address

SERVICE = ("aws_ecs_service",)

# API CreateService/UpdateService taskDefinition: "The family and revision (family:revision) or full
# ARN of the task definition"; a family is up to 255 letters, numbers, hyphens and underscores.
_FAMILY = re.compile(r"[A-Za-z0-9_-]{1,255}(:[0-9]+)?")
_ARN = re.compile(r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[0-9]+)?")
# Attributes of an aws_ecs_task_definition that are not a name for it.
_DOCUMENT_ATTRIBUTES = ("container_definitions",)
_JSON_BUILDERS = ("jsonencode(",)
_FILE_READERS = ("file(", "templatefile(")


def _shown(value: str) -> str:
    text = " ".join(value.split())
    return text if len(text) <= 60 else text[:57] + "..."


class TaskDefinitionNotARevision(Rule):
    id = "TFBG126"
    severity = Severity.ERROR
    summary = "task_definition is not a task definition ARN or family[:revision]"
    resource_types = SERVICE
    source = (
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (taskDefinition: "
        "\"The family and revision (family:revision) or full ARN of the task definition\"); provider "
        "website/docs/r/ecs_service.html.markdown (task_definition: \"Family and revision (family:revision) or "
        "full ARN of the task definition\")"
    )
    FIX = "task_definition = aws_ecs_task_definition.app.arn"

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        value = resource.get("task_definition")
        if is_absent(value):
            return
        path = "task_definition"
        problem = self._problem(value, model)
        if problem is None:
            return
        severity, text = problem
        if severity is Severity.INFO:
            yield self.unproven(resource, text, path=path)
            return
        yield self.finding(
            resource,
            f"{resource.address}.task_definition {text}; ECS takes the family and revision (family:revision) or "
            f"the ARN of a registered task definition, so creating or updating the service fails: register the "
            f"document with an aws_ecs_task_definition and pass its arn",
            path=path,
            fix=self.FIX,
        )

    def _problem(self, value: Any, model: Model) -> tuple[Severity, str] | None:
        if isinstance(value, JsonDocument):
            return Severity.ERROR, f"is a JSON document ({_shown(value.why)})"
        if isinstance(value, Ref):
            if not value.exact:
                return None  # a plan names what an expression refers to, not which attribute
            kind = type_of_address(value.address)
            if kind == "template_file" and value.attribute == "rendered":
                return self._rendered(value, model)
            if kind != "aws_ecs_task_definition":
                return None
            if value.attribute == "":
                return Severity.ERROR, f"is the whole {value.address} object, not its arn"
            if value.attribute in _DOCUMENT_ATTRIBUTES:
                return Severity.ERROR, f"is {value}, the container definitions JSON, not the task definition"
            return None
        if isinstance(value, Unknown):
            why = value.why.strip()
            if why.startswith(_JSON_BUILDERS):
                return Severity.ERROR, f"is a JSON document ({_shown(why)})"
            if why.startswith(_FILE_READERS):
                return Severity.INFO, (
                    f"task_definition is {_shown(why)}, the content of a file, which must hold only a task "
                    f"definition ARN or family[:revision] (not a JSON document)"
                )
            return None
        if isinstance(value, dict):
            return Severity.ERROR, "is an object, not a string"
        if not isinstance(value, str):
            return None
        text = value.strip()
        if _FAMILY.fullmatch(value) or _ARN.fullmatch(value):
            return None
        if text.startswith(("{", "[")):
            return Severity.ERROR, f"is a JSON document ({_shown(text)})"
        return Severity.ERROR, f'is "{_shown(value)}", neither a task definition ARN nor family[:revision]'


    @staticmethod
    def _rendered(value: Ref, model: Model) -> tuple[Severity, str] | None:
        """`data.template_file.x.rendered` (hashicorp/template): JSON when its template is JSON."""
        source = model.resolve(value)
        if not isinstance(source, Resource):
            return None
        template = source.get("template")
        if isinstance(template, JsonDocument) or (isinstance(template, str) and template.lstrip().startswith(("{", "["))):
            return Severity.ERROR, f"is {value}, a template that renders a JSON document"
        return None


# -- Fargate and task placement -------------------------------------------------------------------

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def fargate_evidence(service: Resource) -> tuple[bool | None, str, bool]:
    """(is the service on Fargate, the attribute path that says so, documented-by-launch-type).

    launch_type = "FARGATE" is the documented case; a capacity_provider_strategy naming FARGATE or
    FARGATE_SPOT runs the tasks on Fargate as well. None: cannot tell statically (launch_type or a
    capacity provider is unknown); False: not Fargate, or the cluster's default decides."""
    launch_type = service.get("launch_type")
    if isinstance(launch_type, (Ref, Unknown)):
        return None, "launch_type", True
    if isinstance(launch_type, str) and launch_type:
        return launch_type == "FARGATE", "launch_type", True
    strategy = service.get("capacity_provider_strategy")
    if isinstance(strategy, (Ref, Unknown)):
        return None, "capacity_provider_strategy", False
    if not isinstance(strategy, list):
        return False, "", False
    unknown = False
    for i, item in enumerate(strategy):
        provider = item.get("capacity_provider") if isinstance(item, dict) else None
        if isinstance(provider, str) and provider in FARGATE_PROVIDERS:
            return True, f"capacity_provider_strategy.{i}.capacity_provider", False
        if not isinstance(provider, str):
            unknown = True
    return (None if unknown else False), "capacity_provider_strategy", False


class PlacementOnFargate(Rule):
    id = "TFBG127"
    severity = Severity.ERROR
    summary = "ordered_placement_strategy or placement_constraints on a Fargate service"
    resource_types = SERVICE
    source = (
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PlacementConstraint.html (\"If you're "
        "using the Fargate launch type, task placement constraints aren't supported\"); ECS DG "
        "task-placement.html; CreateService error \"Placement constraints are not supported with FARGATE "
        "launch type\" (GetSimpl/cloudlift PR #138) [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        placed: list[str] = []
        unknown: list[Any] = []
        for attribute in ("ordered_placement_strategy", "placement_constraints"):
            value = resource.get(attribute)
            if isinstance(value, (Ref, Unknown)):
                unknown.append(value)
            elif not is_absent(value):
                placed.append(attribute)
        if not placed and not unknown:
            return
        controller = controller_of(resource)
        if controller == "EXTERNAL":
            return  # task sets, not the service, place the tasks
        fargate, evidence, by_launch_type = fargate_evidence(resource)
        if fargate is False:
            return
        # "Could not prove" only one unknown away from a finding: placement known and the capacity
        # unknown, or Fargate known and the placement blocks unknown (dynamic blocks on module inputs).
        if fargate is None:
            if placed:
                yield self.unproven(
                    resource,
                    f"{resource.address} sets {' and '.join(placed)}, so it must not run on Fargate ({evidence} of "
                    f"{resource.address} is not known statically)",
                    path=f"{placed[0]}.0",
                )
            return
        if not placed:
            yield self.unproven(
                resource,
                f"{resource.address} runs on Fargate, so it must set no task placement ({unknown[0]} is not known "
                f"statically)",
                path=evidence,
            )
            return
        path = f"{placed[0]}.0"
        what = " and ".join(placed)
        how = 'launch_type = "FARGATE"' if by_launch_type else "a FARGATE capacity provider"
        yield self.finding(
            resource,
            f"{resource.address} runs on Fargate ({how}) but sets {what}; Fargate does not support task "
            f"placement strategies or constraints and ECS rejects the service (\"Placement constraints are "
            f"not supported with FARGATE launch type\"): remove {what}",
            path=path,
            fix=f"# remove the {what} block(s): Fargate spreads the tasks across the subnets' Availability Zones",
            # launch_type FARGATE is what the documentation and the API error name; a capacity
            # provider strategy reaches Fargate too, but that is inferred.
            severity=Severity.ERROR if by_launch_type else Severity.WARNING,
        )


# -- create_before_destroy -----------------------------------------------------------------------


class CreateBeforeDestroyFixedName(Rule):
    id = "TFBG128"
    severity = Severity.WARNING
    needs_lifecycle = True
    summary = "create_before_destroy on an aws_ecs_service with a fixed name"
    resource_types = SERVICE
    source = (
        "Terraform docs language/meta-arguments/lifecycle (create_before_destroy is opt-in \"because many "
        "remote object types have unique name requirements\"); provider internal/service/ecs/service.go "
        "(name, cluster, iam_role, launch_type, scheduling_strategy ForceNew); CreateService error "
        "\"Creation of service was not idempotent\" [reported]"
    )

    def check(self, resource: Resource, model: Model) -> Iterator[Finding]:
        if resource.create_before_destroy is not True:
            return
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            return  # a name that changes on each replacement (random suffix, timestamp) is fine
        yield self.finding(
            resource,
            f"{resource.address} has lifecycle.create_before_destroy = true and the fixed name \"{name}\": when "
            f"a change forces a replacement (iam_role, launch_type, scheduling_strategy, a capacity provider "
            f"change), Terraform creates the new service first, while the old one with the same "
            f"name is still ACTIVE in the cluster, and ECS refuses it (\"Creation of service was not "
            f"idempotent\"): drop create_before_destroy, or give the name a suffix that changes with the "
            f"replacement",
            path="lifecycle.0",
            fix="lifecycle {\n  create_before_destroy = false\n}\n# or: name = \"app-${random_id.service.hex}\" "
            "with random_id keepers on the replacing arguments",
        )


RULES: list[Rule] = [TaskDefinitionNotARevision(), PlacementOnFargate(), CreateBeforeDestroyFixedName()]
