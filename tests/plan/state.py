"""Turn a plan into the state Terraform would have after applying it, so a second plan can show real
updates and replacements against it (the stand-in provider cannot apply).

Unknown values are filled the way AWS would: every resource's own `arn` and `id` get an ARN made
from its type and address; an unknown value that refers to another resource (a target group ARN in
a listener rule) takes that resource's filled value, found through the plan loader's references.
Other unknown leaves stay null.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from validator.loaders.plan import PlanReader
from validator.model import Model, Ref, Resource, Unknown, get_path

ARN_PATTERNS = {
    "aws_lb": ("elasticloadbalancing", "loadbalancer/app/{name}/{hash}"),
    "aws_lb_listener": ("elasticloadbalancing", "listener/app/web/0123456789abcdef/{hash}"),
    "aws_lb_listener_rule": ("elasticloadbalancing", "listener-rule/app/web/0123456789abcdef/fedcba9876543210/{hash}"),
    "aws_lb_target_group": ("elasticloadbalancing", "targetgroup/{name}/{hash}"),
    "aws_ecs_service": ("ecs", "service/main/{name}"),
    "aws_ecs_cluster": ("ecs", "cluster/{name}"),
    "aws_ecs_task_definition": ("ecs", "task-definition/{name}:1"),
    "aws_ecs_task_set": ("ecs", "task-set/main/app/ecs-svc/{hash}"),
    "aws_iam_role": ("iam", "role/{name}"),
    "aws_iam_policy": ("iam", "policy/{name}"),
    "aws_lambda_function": ("lambda", "function:{name}"),
    "aws_codedeploy_app": ("codedeploy", "application:{name}"),
    "aws_codedeploy_deployment_group": ("codedeploy", "deploymentgroup:app/{name}"),
}
GLOBAL_SERVICES = {"iam"}


def fake_arn(resource: Resource) -> str:
    digest = hashlib.sha256(resource.address.encode()).hexdigest()[:16]
    default = (resource.type.split("_")[1] if "_" in resource.type else resource.type, f"{resource.type}/{{hash}}")
    service, pattern = ARN_PATTERNS.get(resource.type, default)
    name = resource.values.get("name") if isinstance(resource.values.get("name"), str) else resource.name
    region = "" if service in GLOBAL_SERVICES else "us-east-1"
    return f"arn:aws:{service}:{region}:123456789012:" + pattern.format(name=name, hash=digest)


class StateFiller:
    def __init__(self, model: Model) -> None:
        self.model = model
        for resource in model.resources:
            for key in ("arn", "id"):
                if isinstance(resource.values.get(key), (Ref, Unknown)):
                    resource.values[key] = fake_arn(resource)

    def fill(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, Ref):
            target = self.model.resolve(value)
            if not isinstance(target, Resource) or depth > 10:
                return None
            found = get_path(target.values, value.attribute) if value.attribute else target.values.get("id")
            return self.fill(found, depth + 1)
        if isinstance(value, Unknown):
            return None
        if isinstance(value, dict):
            return {k: self.fill(v, depth) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v, depth) for v in value]
        return value


def _instance_key(address: str) -> Any:
    match = re.search(r'\[("?)([^\]"]*)\1\]$', address)
    if not match:
        return None
    return match.group(2) if match.group(1) else int(match.group(2))


def state_from_plan(plan: dict) -> dict:
    """A version-4 state holding every created or updated managed resource of `plan` as applied."""
    model = PlanReader(plan, "prior plan").model()
    filler = StateFiller(model)
    providers = {rc["address"]: rc.get("provider_name", "registry.terraform.io/hashicorp/aws") for rc in plan.get("resource_changes") or []}
    resources: dict[tuple, dict] = {}
    for resource in model.resources:
        if resource.mode == "data" or resource.change is None or resource.change.actions == ("delete",):
            continue  # data sources are read again by every plan
        key = (resource.module, resource.type, resource.name)
        entry = resources.setdefault(key, {
            **({"module": resource.module} if resource.module else {}),
            "mode": "managed",
            "type": resource.type,
            "name": resource.name,
            "provider": f'provider["{providers.get(resource.address)}"]',
            "instances": [],
        })
        instance = {"schema_version": 0, "attributes": filler.fill(resource.values), "sensitive_attributes": []}
        index = _instance_key(resource.address)
        if index is not None:
            instance["index_key"] = index
        entry["instances"].append(instance)
    return {
        "version": 4,
        "terraform_version": plan.get("terraform_version", "1.0.3"),
        "serial": 1,
        "lineage": str(uuid.UUID(int=0)),
        "outputs": {},
        "resources": list(resources.values()),
    }
