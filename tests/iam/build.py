"""Hand-built models for the IAM tests (shaped as both loaders produce them, per contracts.md §1)."""

from __future__ import annotations

import json
from typing import Any

from validator.model import Location, Model, Ref, Resource, Unknown

TRUST_ECS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
INFRA_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"


def resource(address: str, values: dict[str, Any], mode: str = "managed") -> Resource:
    parts = address.split(".")
    if mode == "data":
        rtype, name = parts[-2], parts[-1]
    else:
        rtype, name = parts[-2], parts[-1]
    return Resource(address=address, type=rtype, name=name, mode=mode, values=values, location=Location("main.tf", 1))


def data(address: str, values: dict[str, Any]) -> Resource:
    return resource(address, values, mode="data")


def model(*resources: Resource) -> Model:
    built = Model()
    for item in resources:
        built.add(item)
    return built


def ecs_doc_trust(address: str = "data.aws_iam_policy_document.ecs_trust", service: str = "ecs.amazonaws.com") -> Resource:
    return data(
        address,
        {"statement": [{"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": [service]}]}]},
    )


def blue_green_service(*, infra_role: Any = None, hook_role: Any = None, hook_target: Any = None, hook_type: str | None = None) -> list[Resource]:
    """The §8.1 reference: two target groups, prod and test rules on an ALB listener given as a variable."""
    tg_blue = resource("aws_lb_target_group.blue", {"name": "app-blue", "target_type": "ip"})
    tg_green = resource("aws_lb_target_group.green", {"name": "app-green", "target_type": "ip"})
    prod = resource("aws_lb_listener_rule.prod", {"listener_arn": Unknown("var.prod_listener_arn"), "priority": 10})
    test = resource("aws_lb_listener_rule.test", {"listener_arn": Unknown("var.test_listener_arn"), "priority": 5})
    hooks = []
    if hook_role is not None or hook_target is not None:
        hook = {"lifecycle_stages": ["POST_TEST_TRAFFIC_SHIFT"]}
        if hook_role is not None:
            hook["role_arn"] = hook_role
        if hook_target is not None:
            hook["hook_target_arn"] = hook_target
        if hook_type is not None:
            hook["target_type"] = hook_type
        hooks.append(hook)
    service = resource(
        "aws_ecs_service.this",
        {
            "name": "app",
            "deployment_controller": [{"type": "ECS"}],
            "deployment_configuration": [{"strategy": "BLUE_GREEN", "bake_time_in_minutes": 5, "lifecycle_hook": hooks}],
            "load_balancer": [
                {
                    "target_group_arn": Ref("aws_lb_target_group.blue", "arn"),
                    "container_name": "app",
                    "container_port": 8080,
                    "advanced_configuration": [
                        {
                            "alternate_target_group_arn": Ref("aws_lb_target_group.green", "arn"),
                            "production_listener_rule": Ref("aws_lb_listener_rule.prod", "arn"),
                            "test_listener_rule": Ref("aws_lb_listener_rule.test", "arn"),
                            "role_arn": infra_role,
                        }
                    ],
                }
            ],
        },
    )
    return [tg_blue, tg_green, prod, test, service]


def findings(rule, built: Model) -> list:
    from validator.rules.base import run_rules

    return list(run_rules([rule], built))
