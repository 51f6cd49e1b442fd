"""What the `external` templates need: the module's inputs and outputs for an EXTERNAL-controller service
whose canary rollout is a sequence of `terraform apply` runs (ecs-deployments.md §5)."""

from __future__ import annotations

from typing import Any

from generator import ecs_module
from generator.answers import Answers
from generator.codedeploy_module import EXAMPLE_VALUES, NLB_EXAMPLE, SHARED_SERVICE_VARIABLES, _listener_variables, shared_variables
from generator.ecs_module import Output, Variable, _arn
from generator.hcl import hcl

# aws_ecs_task_set has been in hashicorp/aws since 2.x; 6.0.0 is the floor of the harness's schema.
PROVIDER_FLOOR = "6.0.0"
# Inputs of the task sets, which an external deployer creates itself.
TASK_SET_SETTINGS = ("container_name", "subnet_ids", "security_group_ids", "assign_public_ip")
TASK_DEFINITION_PATTERN = 'can(regex("^arn:[^:]+:ecs:[^:]*:[0-9]*:task-definition/", var.{name}))'


# Target group names "<name>-primary" must fit in 32 characters.
MAX_NAME_LENGTH = 32 - len("-primary")


def _name_variable(a: Answers) -> Variable:
    return Variable(
        "name", "string",
        "Name of the ECS service; also the prefix of the target groups.", a.name,
        ((f'length(var.name) <= {MAX_NAME_LENGTH} && can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.name))',
          f"The name must be 1-{MAX_NAME_LENGTH} lower-case letters, digits or hyphens, start with a letter and not end "
          "with a hyphen (target group names \"<name>-primary\" are limited to 32 characters)."),),
    )


def variables(a: Answers) -> list[Variable]:
    shared = shared_variables(a)
    vs = [_name_variable(a), shared["cluster_arn"]]
    if a.external_deployer:
        vs += [shared[n] for n in SHARED_SERVICE_VARIABLES[2:] if n in shared and n not in TASK_SET_SETTINGS]
        vs += _listener_variables(a)
        vs.append(Variable("tags", "map(string)", "Tags for every resource that takes tags.", {}))
        return vs
    vs.append(_arn(
        "task_definition_arn",
        "Task definition of the primary task set (the revision serving production). Changing it replaces the "
        "primary task set; the rollout in README.md changes it through promote instead.",
        "ecs", "task-definition/",
    ))
    vs += [shared[n] for n in SHARED_SERVICE_VARIABLES[2:] if n in shared and n != "health_check_grace_period_seconds"]
    vs.append(shared["health_check_grace_period_seconds"])
    vs += _listener_variables(a)
    vs += [
        Variable(
            "canary_task_definition_arn", "string",
            "Rollout step 1: task definition of the canary task set; null: no canary task set.", None,
            ((f"var.canary_task_definition_arn == null || {TASK_DEFINITION_PATTERN.format(name='canary_task_definition_arn')}",
              "The canary_task_definition_arn must be null or a task definition ARN."),),
        ),
        Variable(
            "canary_scale_percent", "number",
            "Size of the canary task set in percent of desired_count (ECS rounds up to whole tasks).", 10,
            (("var.canary_scale_percent >= 0 && var.canary_scale_percent <= 100", "The canary_scale_percent must be from 0 to 100."),),
        ),
        Variable(
            "canary_weight", "number",
            "Rollout step 2: percent of production traffic the listener sends to the canary target group "
            "(only while a canary task set exists).", 0,
            (("var.canary_weight >= 0 && var.canary_weight <= 100 && floor(var.canary_weight) == var.canary_weight",
              "The canary_weight must be a whole number from 0 to 100."),),
        ),
        Variable(
            "promote", "bool",
            "Rollout step 3: run the primary task set with the canary's task definition (it is replaced, the new "
            "one started before the old one stops).", False,
        ),
        Variable(
            "task_set_stable_timeout", "string",
            "How long terraform apply waits for a task set to become stable (a Go duration).", "10m",
            (('can(regex("^[0-9]+(s|m|h)$", var.task_set_stable_timeout))', "The task_set_stable_timeout must be a duration like 10m."),),
        ),
        Variable("tags", "map(string)", "Tags for every resource that takes tags.", {}),
    ]
    return vs


def outputs(a: Answers) -> list[Output]:
    outs = [
        Output("service_id", "ARN of the ECS service.", "aws_ecs_service.this.id"),
        Output("service_name", "Name of the ECS service.", "aws_ecs_service.this.name"),
    ]
    if a.external_deployer:
        outs += [
            Output("primary_target_group_arn", "Target group for the deployer's primary task set.", "aws_lb_target_group.primary.arn"),
            Output("canary_target_group_arn", "Target group for the deployer's canary task set.", "aws_lb_target_group.canary.arn"),
            Output("production_listener_arn", "Production listener; the deployer sets its weights.", "aws_lb_listener.production.arn"),
        ]
        if a.test_traffic == "listener":
            outs.append(Output("test_listener_arn", "Test listener (forwards to the canary target group).", "aws_lb_listener.test.arn"))
        return outs
    outs += [
        Output("primary_task_set_id", "Task set serving production.", "aws_ecs_task_set.primary.task_set_id"),
        Output("canary_task_set_id", "Canary task set, null when there is none.",
               "length(aws_ecs_task_set.canary) > 0 ? aws_ecs_task_set.canary[0].task_set_id : null"),
        Output("primary_target_group_arn", "Target group of the primary task set.", "aws_lb_target_group.primary.arn"),
        Output("canary_target_group_arn", "Target group of the canary task set.", "aws_lb_target_group.canary.arn"),
        Output("production_listener_arn", "Production listener (weighted between the two target groups).", "aws_lb_listener.production.arn"),
        Output("traffic_weights", "Production traffic weights now: primary and canary.", "local.weights"),
    ]
    if a.test_traffic == "listener":
        outs.append(Output("test_listener_arn", "Test listener (always forwards to the canary target group).", "aws_lb_listener.test.arn"))
    return outs


def context(a: Answers) -> dict[str, Any]:
    all_variables = variables(a)
    required = [v for v in all_variables if v.required]
    width = max(len(v.name) for v in required)
    examples = dict(EXAMPLE_VALUES)
    if a.load_balancer == "nlb":
        examples["load_balancer_arn"] = NLB_EXAMPLE
    return {
        "a": a,
        "alb": a.load_balancer == "alb",
        "nlb": a.load_balancer == "nlb",
        "test": a.test_traffic,
        "hooks": [],
        "deployer": a.external_deployer,
        "fargate": a.launch_type == "FARGATE",
        "variables": all_variables,
        "outputs": outputs(a),
        "provider_floor": PROVIDER_FLOOR,
        "provider_ceiling": ecs_module.PROVIDER_CEILING,
        "example_inputs": [(v.name.ljust(width), hcl(examples[v.name])) for v in required],
    }
