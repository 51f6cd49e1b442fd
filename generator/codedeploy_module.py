"""What the `codedeploy` templates need beyond the raw answers: the deployment configuration, the hooks
(one Lambda function per appspec hook) and the module's inputs and outputs (one list feeds both
variables.tf and the README, as for the ECS kind)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator import ecs_module
from generator.answers import APPSPEC_HOOKS, Answers
from generator.controllers import TRAFFIC_ROUTING, predefined_config, traffic_shape
from generator.ecs_module import Output, Variable, _arn
from generator.hcl import hcl

# aws_codedeploy_deployment_group and aws_codedeploy_deployment_config with compute_platform ECS have been in
# hashicorp/aws since 2.x; the floor is the one the ECS kind already needs for the service's arguments
# (5.x and 6.x differ in nothing this module uses; 6.0.0 is the floor of the harness's schema).
PROVIDER_FLOOR = "6.0.0"
# Variables every kind takes from the ECS kind unchanged (their meaning does not depend on the controller).
SHARED_SERVICE_VARIABLES = (
    "name", "cluster_arn", "container_name", "container_port", "desired_count", "vpc_id", "subnet_ids",
    "security_group_ids", "assign_public_ip", "health_check_grace_period_seconds",
)
# CodeDeploy takes at most 10 alarms per deployment group (CreateDeploymentGroup, AlarmConfiguration).
MAX_ALARMS = 10
HOOK_CHECK_TIMEOUT_SECONDS = 600
# A CodeDeploy hook function must report within the Lambda's own maximum of 15 minutes; CodeDeploy waits an
# hour for the report before it fails the hook.
LAMBDA_TIMEOUT_SECONDS = 900

EXAMPLE_VALUES: dict[str, Any] = {
    **ecs_module.EXAMPLE_VALUES,
    "load_balancer_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/example/0123456789abcdef",
    "passed_role_arns": ["arn:aws:iam::123456789012:role/example-task-execution"],
}
NLB_EXAMPLE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/example/0123456789abcdef"


@dataclass(frozen=True)
class AppSpecHook:
    name: str  # as the appspec spells it: AfterAllowTestTraffic

    @property
    def slug(self) -> str:
        """after_allow_test_traffic: Terraform resource name."""
        return "".join(f"_{c.lower()}" if c.isupper() else c for c in self.name).lstrip("_")

    @property
    def name_suffix(self) -> str:
        return self.slug.replace("_", "-")


def shared_variables(a: Answers) -> dict[str, Variable]:
    ecs = {v.name: v for v in ecs_module.variables(a, [])}
    return {name: ecs[name] for name in SHARED_SERVICE_VARIABLES if name in ecs}


def _listener_variables(a: Answers, nlb_only_port: bool = False) -> list[Variable]:
    kind = "Network" if a.load_balancer == "nlb" else "Application"
    lb_path = "loadbalancer/net/" if a.load_balancer == "nlb" else "loadbalancer/app/"
    vs = [
        _arn("load_balancer_arn", f"ARN of the {kind} Load Balancer; the module creates its listeners.", "elasticloadbalancing", lb_path),
        Variable(
            "production_listener_port", "number", "Port of the production listener the module creates.", a.production_listener_port,
            (("var.production_listener_port >= 1 && var.production_listener_port <= 65535", "The production_listener_port must be from 1 to 65535."),),
        ),
    ]
    if a.test_traffic == "listener":
        vs.append(Variable(
            "test_listener_port", "number",
            "Port of the test listener the module creates on the same load balancer (must differ from the production port).",
            a.test_listener_port,
            (("var.test_listener_port >= 1 && var.test_listener_port <= 65535", "The test_listener_port must be from 1 to 65535."),),
        ))
    if a.load_balancer == "alb":
        vs += [
            Variable("health_check_path", "string", "Path of the target groups' HTTP health check.", "/"),
            Variable("health_check_matcher", "string", "HTTP codes a healthy target returns.", "200"),
        ]
    vs.append(Variable(
        "deregistration_delay", "number", "Seconds a target group drains connections of a deregistered task.",
        300 if a.load_balancer == "nlb" else 60,
        (("var.deregistration_delay >= 0 && var.deregistration_delay <= 3600", "The deregistration_delay must be from 0 to 3600."),),
    ))
    return vs


def variables(a: Answers, hooks: list[AppSpecHook]) -> list[Variable]:
    shared = shared_variables(a)
    vs = [shared["name"], shared["cluster_arn"]]
    vs.append(_arn(
        "task_definition_arn",
        "ARN of the task definition the service starts with. Later revisions are deployed by CodeDeploy "
        "(see README.md); the module ignores the service's task definition after creation.",
        "ecs", "task-definition/",
    ))
    vs += [shared[n] for n in SHARED_SERVICE_VARIABLES[2:] if n in shared]
    vs += _listener_variables(a)
    shape, percent, minutes = traffic_shape(a)
    if predefined_config(a) is None:
        what = "canary" if shape == "canary" else "step"
        vs += [
            Variable(
                f"{what}_percent", "number",
                "Percent of production traffic CodeDeploy shifts " + ("first (the canary)." if shape == "canary" else "per step."),
                percent,
                ((f"var.{what}_percent >= 1 && var.{what}_percent <= 99 && floor(var.{what}_percent) == var.{what}_percent",
                  f"The {what}_percent must be a whole number from 1 to 99."),),
            ),
            Variable(
                f"{what}_interval_minutes", "number",
                "Minutes CodeDeploy waits " + ("before it shifts the rest." if shape == "canary" else "between steps."),
                minutes,
                ((f"var.{what}_interval_minutes >= 1 && floor(var.{what}_interval_minutes) == var.{what}_interval_minutes",
                  f"The {what}_interval_minutes must be a whole number of 1 or more."),),
            ),
        ]
    vs.append(Variable(
        "termination_wait_time_in_minutes", "number",
        "Minutes the original task set keeps running after all production traffic has moved; stopping the "
        "deployment with rollback in this window moves traffic straight back.",
        a.bake_time_in_minutes,
        (("var.termination_wait_time_in_minutes >= 0 && var.termination_wait_time_in_minutes <= 2880 && "
          "floor(var.termination_wait_time_in_minutes) == var.termination_wait_time_in_minutes",
          "The termination_wait_time_in_minutes must be a whole number from 0 to 2880."),),
    ))
    if a.alarm_rollback:
        vs += [
            Variable(
                "alarm_names", "list(string)",
                f"Further CloudWatch alarms that stop and roll back a deployment (at most {MAX_ALARMS - 2}; the module adds its own two).",
                [],
                ((f"length(var.alarm_names) <= {MAX_ALARMS - 2}", f"Give at most {MAX_ALARMS - 2} alarm names (CodeDeploy takes 10 per deployment group)."),),
            ),
            Variable(
                "alarm_threshold", "number",
                ("Target 5XX responses per minute" if a.load_balancer == "alb" else "Unhealthy targets")
                + " in either target group that put the module's alarms into ALARM.",
                5 if a.load_balancer == "alb" else 1,
                (("var.alarm_threshold >= 1", "The alarm_threshold must be 1 or more."),),
            ),
        ]
    if a.least_privilege:
        vs.append(Variable(
            "passed_role_arns", "list(string)",
            "Task role and task execution role ARNs of the task definitions CodeDeploy deploys: the inline policy "
            "lets CodeDeploy pass exactly these to ECS.",
            validations=(("length(var.passed_role_arns) > 0", "Give at least the task execution role ARN."),),
        ))
    if hooks:
        vs += _hook_variables()
    vs.append(Variable("tags", "map(string)", "Tags for every resource that takes tags.", {}))
    return vs


def _hook_variables() -> list[Variable]:
    return [
        Variable("hook_warmup_seconds", "number", "Seconds each hook waits before it starts checking.", 0,
                 (("var.hook_warmup_seconds >= 0 && var.hook_warmup_seconds <= 600", "The hook_warmup_seconds must be from 0 to 600."),)),
        Variable("hook_health_check_url", "string",
                 "URL the hooks request (for example the test listener's URL); empty: no HTTP check.", ""),
        Variable("hook_health_check_expected_status", "string", "HTTP status the health check URL must answer.", "200"),
        Variable("hook_check_timeout_seconds", "number",
                 "Seconds a hook keeps checking before it reports Failed (which rolls the deployment back); "
                 "with the warm-up at most 840, so the report fits in the function's 15 minutes.",
                 HOOK_CHECK_TIMEOUT_SECONDS,
                 (("var.hook_check_timeout_seconds > 0 && var.hook_check_timeout_seconds <= 840", "The hook_check_timeout_seconds must be from 1 to 840."),)),
        Variable("hook_poll_interval_seconds", "number", "Seconds between two checks of a hook.", 15,
                 (("var.hook_poll_interval_seconds > 0", "The hook_poll_interval_seconds must be more than 0."),)),
        Variable("hook_subnet_ids", "list(string)",
                 "Subnets to run the hook functions in, when the health check URL is reachable only from inside the "
                 "VPC. Empty: outside the VPC.", []),
        Variable("hook_security_group_ids", "list(string)", "Security groups of the hook functions when they run in the VPC.", []),
        Variable("hook_log_retention_days", "number", "Days CloudWatch Logs keeps the hook functions' logs.", 30),
    ]


def outputs(a: Answers, hooks: list[AppSpecHook]) -> list[Output]:
    outs = [
        Output("service_id", "ARN of the ECS service.", "aws_ecs_service.this.id"),
        Output("service_name", "Name of the ECS service.", "aws_ecs_service.this.name"),
        Output("codedeploy_app_name", "CodeDeploy application (aws deploy --application-name).", "aws_codedeploy_app.this.name"),
        Output("deployment_group_name", "CodeDeploy deployment group (aws deploy --deployment-group-name).",
               "aws_codedeploy_deployment_group.this.deployment_group_name"),
        Output("deployment_config_name", "CodeDeploy deployment configuration of the group.",
               "aws_codedeploy_deployment_group.this.deployment_config_name"),
        Output("blue_target_group_arn", "Target group that serves production traffic at first.", "aws_lb_target_group.blue.arn"),
        Output("green_target_group_arn", "Target group the first deployment moves traffic to.", "aws_lb_target_group.green.arn"),
        Output("production_listener_arn", "Production listener (CodeDeploy rewrites its forward action).", "aws_lb_listener.production.arn"),
    ]
    if a.test_traffic == "listener":
        outs.append(Output("test_listener_arn", "Test listener (CodeDeploy points it at the replacement task set).", "aws_lb_listener.test.arn"))
    outs.append(Output("codedeploy_role_arn", "Service role CodeDeploy assumes.", "aws_iam_role.codedeploy.arn"))
    outs.append(Output(
        "appspec",
        "AppSpec (YAML) of a deployment of task_definition_arn; deploy another revision by "
        "replacing that ARN (README.md shows the commands).",
        "local.appspec",
    ))
    return outs


def context(a: Answers) -> dict[str, Any]:
    hooks = [AppSpecHook(name) for name in APPSPEC_HOOKS if name in a.hooks]
    all_variables = variables(a, hooks)
    required = [v for v in all_variables if v.required]
    width = max(len(v.name) for v in required)
    examples = dict(EXAMPLE_VALUES)
    if a.load_balancer == "nlb":
        examples["load_balancer_arn"] = NLB_EXAMPLE
    shape, _, _ = traffic_shape(a)
    return {
        "a": a,
        "alb": a.load_balancer == "alb",
        "nlb": a.load_balancer == "nlb",
        "test": a.test_traffic,
        "hooks": hooks,
        "fargate": a.launch_type == "FARGATE",
        "shape": shape,
        "traffic_routing": TRAFFIC_ROUTING[shape],
        "predefined_config": predefined_config(a),
        "variables": all_variables,
        "outputs": outputs(a, hooks),
        "provider_floor": PROVIDER_FLOOR,
        "provider_ceiling": ecs_module.PROVIDER_CEILING,
        "archive_floor": ecs_module.ARCHIVE_FLOOR,
        "lambda_timeout": LAMBDA_TIMEOUT_SECONDS,
        "example_inputs": [(v.name.ljust(width), hcl(examples[v.name])) for v in required],
    }
