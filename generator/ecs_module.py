"""What the `ecs` templates need beyond the raw answers: derived choices, the module's inputs and
outputs (one list feeds both variables.tf and the README tables, so they cannot disagree)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.answers import LIFECYCLE_STAGES, Answers
from generator import ecs_inputs
from generator.ecs_variable import REQUIRED, Variable

# Lower bounds of hashicorp/aws for the features a module uses (ecs-deployments.md §0):
# 6.6.0 fixed an omitted test_listener_rule being sent as "" (B/G with and without a test listener),
# 6.14.0 added lifecycle_hook.hook_details, 6.21.0 added LINEAR and CANARY.
PROVIDER_FLOOR_BLUE_GREEN = "6.6.0"
PROVIDER_FLOOR_HOOK_DETAILS = "6.14.0"
PROVIDER_FLOOR_LINEAR_CANARY = "6.21.0"
# Pause hooks (lifecycle_hook.target_type, timeout_configuration) came with provider PR #48128, merged
# 2026-09-17; the first release carrying it could not be established offline (the provider's source
# read is older). 6.25.0 is the newest release known to lack it (its schema, from the CDK bindings).
NEWEST_WITHOUT_PAUSE_HOOKS = "6.25.0"
PROVIDER_CEILING = "7.0.0"
ARCHIVE_FLOOR = "2.2.0"

# Stages that ECS runs once per traffic step for LINEAR/CANARY (ecs-deployments.md §1.3).
RECURRING_STAGES = ("PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
# Hook handler defaults (contract §5), mirrored as module variable defaults.
HOOK_CHECK_TIMEOUT_SECONDS = 600
HOOK_POLL_INTERVAL_SECONDS = 30

# Placeholder values for the required inputs of the CodeDeploy and EXTERNAL kinds' examples (well-formed,
# so validation passes); the ECS kind's example creates real resources instead (EXAMPLE_EXPRESSIONS).
EXAMPLE_VALUES: dict[str, Any] = {
    "cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/example",
    "task_definition_arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/example:1",
    "vpc_id": "vpc-0123456789abcdef0",
    "subnet_ids": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    "security_group_ids": ["sg-0123456789abcdef0"],
    "production_listener_arn": (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/example/0123456789abcdef/0123456789abcdef"
    ),
    "test_listener_arn": (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/example/0123456789abcdef/fedcba9876543210"
    ),
    "load_balancer_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/example/0123456789abcdef",
    "alarm_names": ["example-target-5xx"],
}

# What the ECS kind's examples/complete passes for each required input: resources it creates, or its own inputs.
EXAMPLE_EXPRESSIONS: dict[str, str] = {
    "cluster_arn": "aws_ecs_cluster.this.arn",
    "task_definition_arn": "aws_ecs_task_definition.app.arn",
    "vpc_id": "var.vpc_id",
    "subnet_ids": "var.subnet_ids",
    "security_group_ids": "[aws_security_group.tasks.id]",
    "production_listener_arn": "local.production_listener_arn",
    "test_listener_arn": "aws_lb_listener.test.arn",
    "load_balancer_arn": "aws_lb.this.arn",
    "alarm_names": "[aws_cloudwatch_metric_alarm.service_cpu.alarm_name]",
    "test_header_value": "var.test_header_value",
    "service_connect_namespace": "aws_service_discovery_http_namespace.this.arn",
}


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    value: str


@dataclass(frozen=True)
class Hook:
    stage: str

    @property
    def slug(self) -> str:
        """Terraform resource name for this stage's function and log group."""
        return self.stage.lower()

    @property
    def name_suffix(self) -> str:
        return self.stage.lower().replace("_", "-")

    @property
    def recurring(self) -> bool:
        return self.stage in RECURRING_STAGES


def _minutes(name: str, what: str, default: int) -> Variable:
    return Variable(
        name,
        "number",
        what,
        default,
        (
            (
                f"var.{name} >= 0 && var.{name} <= 1440 && floor(var.{name}) == var.{name}",
                f"The {name} must be a whole number of minutes from 0 to 1440.",
            ),
        ),
    )


def _tenths(name: str, what: str, default: float, low: str) -> Variable:
    return Variable(
        name,
        "number",
        what,
        default,
        (
            (
                f"var.{name} >= {low} && var.{name} <= 100 && "
                f"abs(var.{name} * 10 - floor(var.{name} * 10 + 0.5)) < 0.000001",
                f"The {name} must be from {low} to 100 in multiples of 0.1.",
            ),
        ),
    )


def _arn(name: str, description: str, service: str, resource: str) -> Variable:
    return Variable(
        name,
        "string",
        description,
        validations=(
            (
                f'can(regex("^arn:[^:]+:{service}:[^:]*:[0-9]*:{resource}", var.{name}))',
                f"The {name} must be an ARN starting with arn:<partition>:{service}:<region>:<account>:{resource}.",
            ),
        ),
    )


def variables(a: Answers, hooks: list[Hook]) -> list[Variable]:
    vs: list[Variable] = [
        Variable(
            "name",
            "string",
            "Name of the ECS service; also the prefix of the target groups, roles and hook functions.",
            a.name,
            (
                (
                    'length(var.name) <= 26 && can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.name))',
                    "The name must be 1-26 lower-case letters, digits or hyphens, start with a letter and "
                    + ("not end with a hyphen (role names \"<name>-ecs-hook-invoke-<region>\" are limited to 64 characters)."
                       if a.controller == "ecs" else
                       "not end with a hyphen (target group names \"<name>-green\" are limited to 32 characters)."),
                ),
            ),
        ),
        _arn("cluster_arn", "ARN of the ECS cluster that runs the service.", "ecs", "cluster/"),
        _arn(
            "task_definition_arn",
            "ARN of the task definition to deploy (network mode awsvpc). Changing it starts a deployment.",
            "ecs",
            "task-definition/",
        ),
        Variable(
            "container_name", "string", "Container in the task definition that receives the traffic.", a.container_name
        ),
        Variable(
            "container_port",
            "number",
            "Port of that container; the target groups use it too.",
            a.container_port,
            (("var.container_port >= 1 && var.container_port <= 65535", "The container_port must be from 1 to 65535."),),
        ),
        Variable(
            "desired_count",
            "number",
            "Number of tasks"
            + (" when the service is created; afterwards Application Auto Scaling sets it (the module ignores changes)."
               if a.autoscaling and a.controller == "ecs" else ". During a deployment ECS runs this many tasks of each revision."),
            a.desired_count,
            (("var.desired_count >= 0 && floor(var.desired_count) == var.desired_count", "The desired_count must be a whole number of 0 or more."),),
        ),
        Variable(
            "subnet_ids",
            "list(string)",
            "Subnets for the tasks (awsvpc).",
            validations=(("length(var.subnet_ids) > 0", "Give at least one subnet."),),
        ),
        Variable(
            "security_group_ids",
            "list(string)",
            "Security groups for the tasks; they must admit "
            + ("the load balancer" if a.load_balancer != "service-connect" else "the clients in the namespace")
            + " on container_port.",
            validations=(("length(var.security_group_ids) > 0", "Give at least one security group."),),
        ),
    ]
    if a.load_balancer != "service-connect":
        vs.insert(
            6,
            Variable(
                "vpc_id",
                "string",
                "VPC of the load balancer and of the tasks; both target groups are created in it.",
                validations=(('can(regex("^vpc-", var.vpc_id))', "The vpc_id must be a VPC id (vpc-...)."),),
            ),
        )
    if a.launch_type == "FARGATE":
        vs.append(Variable("assign_public_ip", "bool", "Give the Fargate tasks public IP addresses.", False))
    vs += ecs_inputs.service_inputs(a)
    if a.load_balancer != "service-connect":
        vs.append(
        Variable(
            "health_check_grace_period_seconds",
            "number",
            "Seconds ECS ignores failing load balancer health checks after a task starts.",
            60,
            (
                (
                    "var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647",
                    "The health_check_grace_period_seconds must be 0 or more.",
                ),
            ),
        )
    )
    vs += _strategy_variables(a)
    vs += _load_balancer_variables(a) if a.load_balancer != "service-connect" else _service_connect_variables(a)
    vs += ecs_inputs.autoscaling_inputs(a)
    vs += ecs_inputs.target_group_alarm_inputs(a)
    if a.alarm_rollback:
        vs.append(
            Variable(
                "alarm_names",
                "list(string)",
                "CloudWatch alarms that roll a deployment back when they go into ALARM"
                + (" (the hook functions check them too)." if hooks else "."),
                validations=(("length(var.alarm_names) > 0", "Give at least one alarm name."),),
            )
        )
    if hooks:
        vs += _hook_variables(a, hooks)
    vs += ecs_inputs.pause_inputs(a)
    vs += ecs_inputs.iam_inputs(a, bool(hooks))
    vs += [
        Variable(
            "deployment_timeout_margin_minutes",
            "number",
            "Minutes added to the bake, hook and NLB times for scale-up, health checks and draining; "
            + ("the sum is the create/update timeout Terraform waits for a deployment."
               if a.wait_for_steady_state else "the sum is the deployment_timeout output, how long CI should wait."),
            30,
            (("var.deployment_timeout_margin_minutes >= 10", "The deployment_timeout_margin_minutes must be 10 or more."),),
        ),
        Variable("tags", "map(string)", "Tags for every resource that takes tags.", {}),
    ]
    return vs


def _strategy_variables(a: Answers) -> list[Variable]:
    vs = [
        _minutes(
            "bake_time_in_minutes",
            "Minutes both revisions keep running after all production traffic has moved, before the old one is "
            "stopped; a rollback in this window is instant.",
            a.bake_time_in_minutes,
        )
    ]
    if a.strategy == "linear":
        vs += [
            _tenths("step_percent", "Percent of production traffic moved per step (3.0-100.0, multiples of 0.1).", a.step_percent, "3"),
            _minutes("step_bake_time_in_minutes", "Minutes to wait after each traffic step.", a.step_bake_time_in_minutes),
        ]
    if a.strategy == "canary":
        vs += [
            _tenths("canary_percent", "Percent of production traffic the canary receives first (0.1-100.0, multiples of 0.1).", a.canary_percent, "0.1"),
            _minutes("canary_bake_time_in_minutes", "Minutes the canary runs before the rest of the traffic moves.", a.canary_bake_time_in_minutes),
        ]
    return vs


def _load_balancer_variables(a: Answers) -> list[Variable]:
    vs: list[Variable] = []
    if a.load_balancer == "alb":
        vs.append(
            _arn(
                "production_listener_arn",
                "ARN of the ALB listener that carries production traffic; the module adds its rule to it.",
                "elasticloadbalancing",
                "listener/app/",
            )
        )
        if a.test_traffic == "listener":
            vs.append(
                _arn(
                    "test_listener_arn",
                    "ARN of the ALB test listener (another port of the same load balancer); the module adds the "
                    "test rule to it.",
                    "elasticloadbalancing",
                    "listener/app/",
                )
            )
        low = 2 if a.test_traffic == "header" else 1
        vs.append(
            Variable(
                "listener_rule_priority",
                "number",
                "Priority of the production listener rule"
                + (
                    "; the test rule takes the number before it, so it is evaluated first."
                    if a.test_traffic == "header"
                    else (" (the test rule uses the same number on the test listener)." if a.test_traffic == "listener" else ".")
                ),
                a.listener_rule_priority,
                (
                    (
                        f"var.listener_rule_priority >= {low} && var.listener_rule_priority <= 50000",
                        f"The listener_rule_priority must be from {low} to 50000.",
                    ),
                ),
            )
        )
        vs += [
            Variable(
                "path_patterns",
                "list(string)",
                "Path patterns the listener rules match.",
                ["/*"],
                (("length(var.path_patterns) > 0", "Give at least one path pattern."),),
            ),
            Variable("host_headers", "list(string)", "Host names the listener rules also match (empty: any host).", []),
        ]
        if a.test_traffic == "header":
            vs += [
                Variable(
                    "test_header_name",
                    "string",
                    "HTTP header that sends a request on the production listener to the test target group.",
                    a.test_header_name,
                ),
                _header_value_variable(a),
            ]
    else:
        vs += [
            _arn(
                "load_balancer_arn",
                "ARN of the Network Load Balancer; the module creates its listeners.",
                "elasticloadbalancing",
                "loadbalancer/net/",
            ),
            Variable(
                "production_listener_port",
                "number",
                "Port of the production listener the module creates (TCP, or TLS with listener_certificate_arn).",
                a.production_listener_port,
                (("var.production_listener_port >= 1 && var.production_listener_port <= 65535", "The production_listener_port must be from 1 to 65535."),),
            ),
        ]
        if a.test_traffic == "listener":
            vs.append(
                Variable(
                    "test_listener_port",
                    "number",
                    "Port of the test listener the module creates (must differ from the production port).",
                    a.test_listener_port,
                    (("var.test_listener_port >= 1 && var.test_listener_port <= 65535", "The test_listener_port must be from 1 to 65535."),),
                )
            )
    vs.append(
        Variable(
            "deregistration_delay",
            "number",
            "Seconds a target group drains connections of a deregistered task.",
            300 if a.load_balancer == "nlb" else 60,
            (("var.deregistration_delay >= 0 && var.deregistration_delay <= 3600", "The deregistration_delay must be from 0 to 3600."),),
        )
    )
    vs += ecs_inputs.target_group_inputs(a)
    vs += ecs_inputs.health_check_inputs(a)
    vs += ecs_inputs.tls_inputs(a)
    return vs


def _header_value_variable(a: Answers) -> Variable:
    where = "the production listener" if a.load_balancer == "alb" else "a Service Connect client"
    if not a.test_header_value:
        return Variable(
            "test_header_value",
            "string",
            f"Secret value of that header: a request on {where} that carries it reaches the revision under "
            "test. Use a long random value (e.g. openssl rand -hex 16) and keep it out of version control.",
            validations=(("length(var.test_header_value) >= 16", "The test_header_value must be a secret of 16 characters or more."),),
            sensitive=True,
        )
    return Variable("test_header_value", "string", "Value of that header (a secret: see the README).", a.test_header_value, sensitive=True)


def _service_connect_variables(a: Answers) -> list[Variable]:
    return ecs_inputs.service_connect_inputs(a) + [
        Variable(
            "test_header_name",
            "string",
            "HTTP header that sends a Service Connect client's request to the revision under test.",
            a.test_header_name,
        ),
        _header_value_variable(a),
    ]


def _hook_variables(a: Answers, hooks: list[Hook]) -> list[Variable]:
    stage_list = "[" + ", ".join(f'"{h.stage}"' for h in hooks) + "]"
    return [
        Variable(
            "hook_warmup_seconds",
            "number",
            "Seconds each hook holds the deployment before it starts checking.",
            0,
            (("var.hook_warmup_seconds >= 0", "The hook_warmup_seconds must be 0 or more."),),
        ),
        Variable(
            "hook_health_check_url",
            "string",
            "URL the hooks request (for example the test listener's URL); empty: no HTTP check. "
            "The functions must be able to reach it (see hook_subnet_ids).",
            "",
        ),
        Variable("hook_health_check_expected_status", "string", "HTTP status the health check URL must answer.", "200"),
        Variable(
            "hook_check_timeout_seconds",
            "number",
            "Seconds a hook keeps checking before it fails the deployment (which rolls it back).",
            HOOK_CHECK_TIMEOUT_SECONDS,
            (("var.hook_check_timeout_seconds > 0", "The hook_check_timeout_seconds must be more than 0."),),
        ),
        Variable(
            "hook_poll_interval_seconds",
            "number",
            "Seconds ECS waits before invoking a hook again while it answers IN_PROGRESS (callBackDelay).",
            HOOK_POLL_INTERVAL_SECONDS,
            (("var.hook_poll_interval_seconds > 0", "The hook_poll_interval_seconds must be more than 0."),),
        ),
        Variable(
            "hook_details",
            "map(string)",
            "Optional JSON object per lifecycle stage, passed to that hook as hookDetails; its lower-case keys "
            "override the settings above for that hook (e.g. {\"warmup_seconds\": 60}). Alarms named in an "
            "\"alarm_names\" key (a list, or comma-separated) are readable by the functions' role.",
            {},
            (
                (
                    f"alltrue([for stage, details in var.hook_details : contains({stage_list}, stage) && can(jsondecode(details))])",
                    f"The hook_details keys must be hooked stages ({', '.join(h.stage for h in hooks)}) and the values JSON.",
                ),
            ),
        ),
        Variable(
            "hook_subnet_ids",
            "list(string)",
            "Subnets to run the hook functions in; needed only when the health check URL is reachable only "
            "from inside the VPC (an internal load balancer). Empty: the functions run outside the VPC.",
            [],
        ),
        Variable("hook_security_group_ids", "list(string)", "Security groups of the hook functions when they run in the VPC.", []),
        Variable(
            "hook_log_retention_days",
            "number",
            "Days CloudWatch Logs keeps the hook functions' logs.",
            30,
        ),
    ]


def outputs(a: Answers, hooks: list[Hook]) -> list[Output]:
    outs = [
        Output("service_id", "ARN of the ECS service.", "aws_ecs_service.this.id"),
        Output("service_name", "Name of the ECS service.", "aws_ecs_service.this.name"),
    ]
    if a.load_balancer != "service-connect":
        outs += [
            Output("blue_target_group_arn", "Target group that serves production traffic at first.", "aws_lb_target_group.blue.arn"),
            Output("green_target_group_arn", "Alternate target group the first deployment moves traffic to.", "aws_lb_target_group.green.arn"),
        ]
    if a.load_balancer == "alb":
        outs.append(Output("production_listener_rule_arn", "Production listener rule (ECS rewrites its weights).", "aws_lb_listener_rule.production.arn"))
        if a.test_traffic != "none":
            outs.append(Output("test_listener_rule_arn", "Test listener rule (forwards to the revision being deployed).", "aws_lb_listener_rule.test.arn"))
    elif a.load_balancer == "nlb":
        outs.append(Output("production_listener_arn", "Production listener (ECS rewrites its weights).", "aws_lb_listener.production.arn"))
        if a.test_traffic != "none":
            outs.append(Output("test_listener_arn", "Test listener (forwards to the revision being deployed).", "aws_lb_listener.test.arn"))
    if a.load_balancer != "service-connect":
        outs.append(Output("infrastructure_role_arn", "Role ECS assumes to shift traffic on the load balancer.", "local.infrastructure_role_arn"))
    if hooks:
        outs.append(Output("hook_role_arn", "Role ECS assumes to invoke the hook functions.", "local.hook_invoke_role_arn"))
        outs.append(
            Output(
                "hook_function_arns",
                "Hook function ARN per lifecycle stage.",
                "{\n    "
                + "\n    ".join(
                    f"{h.stage.ljust(max(len(x.stage) for x in hooks))} = aws_lambda_function.{h.slug}.arn" for h in hooks
                )
                + "\n  }",
            )
        )
    if hooks:
        outs.append(Output("hook_alarm_names", "Alarms the hook functions check and may read: the rollback alarms and those "
                           "named in hook_details.", "local.hook_alarm_names"))
    if a.pause_hooks:
        outs.append(Output("pause_topic_arn", "SNS topic told when a deployment pauses for approval.", "aws_sns_topic.pause.arn"))
    if a.target_group_alarms:
        outs.append(Output("rollback_alarm_names", "Alarms that roll a deployment back.", "local.rollback_alarm_names"))
    outs.append(
        Output(
            "deployment_timeout",
            ("Create/update timeout of the service" if a.wait_for_steady_state else "How long CI should wait for a deployment")
            + ", derived from the bake, hook and NLB times.",
            "local.deployment_timeout",
        )
    )
    return outs


def rollback_triggers(a: Answers, hooks: list[Hook]) -> list[str]:
    triggers = []
    if a.circuit_breaker:
        triggers.append("the deployment circuit breaker trips (new tasks keep failing to start or to pass health checks)")
    if a.alarm_rollback:
        triggers.append("one of `alarm_names` goes into ALARM during the deployment or its bake time")
    if a.target_group_alarms:
        triggers.append("the new revision's target group answers too many 5xx or too slowly (the module's alarms)")
    if a.pause_hooks:
        triggers.append("someone answers a pause with `ROLLBACK`, or nobody answers within `pause_timeout_minutes` "
                        "(with `pause_timeout_action = \"ROLLBACK\"`)")
    if hooks:
        triggers.append("a hook function answers `FAILED` (or fails, or times out)")
    return triggers


def context(a: Answers) -> dict[str, Any]:
    hooks = [Hook(stage) for stage in LIFECYCLE_STAGES if stage in a.hooks]
    floor = PROVIDER_FLOOR_BLUE_GREEN
    if hooks:
        floor = PROVIDER_FLOOR_HOOK_DETAILS
    if a.strategy in ("linear", "canary"):
        floor = PROVIDER_FLOOR_LINEAR_CANARY
    all_variables = variables(a, hooks)
    required = [v for v in all_variables if v.required]
    width = max(len(v.name) for v in required)
    call = [(v.name, EXAMPLE_EXPRESSIONS[v.name]) for v in required]
    if a.launch_type == "FARGATE":
        call.append(("assign_public_ip", "true"))
    call.append(("container_port", "var.container_port"))
    if a.launch_type == "EC2":
        # Through the example's capacity provider (and so no launch type: the two exclude each other),
        # named through the cluster's association so that the service waits for it.
        call.append(("capacity_provider_strategy",
                     "[{ capacity_provider = tolist(aws_ecs_cluster_capacity_providers.this.capacity_providers)[0], "
                     "weight = 1, base = 0 }]"))
    if a.load_balancer == "nlb":
        call.append(("listener_certificate_arn", "var.certificate_arn"))
    call_width = max(len(name) for name, _ in call)
    pause = [stage for stage in LIFECYCLE_STAGES if stage in a.pause_hooks]
    return {
        "a": a,
        "strategy": a.ecs_strategy,
        "alb": a.load_balancer == "alb",
        "nlb": a.load_balancer == "nlb",
        "sc": a.load_balancer == "service-connect",
        "lb": a.load_balancer != "service-connect",
        "pause_hooks": pause,
        "recurring_pauses": [stage for stage in pause if stage in RECURRING_STAGES],
        "fixed_pauses": [stage for stage in pause if stage not in RECURRING_STAGES],
        "autoscaling": a.autoscaling,
        "wait": a.wait_for_steady_state,
        "tg_alarms": a.target_group_alarms,
        "rollback_alarms": a.alarm_rollback or a.target_group_alarms,
        "test_header_secret": a.test_traffic == "header" and not a.test_header_value,
        "test": a.test_traffic,
        "hooks": hooks,
        "fixed_hooks": [h for h in hooks if not h.recurring],
        "recurring_hooks": [h for h in hooks if h.recurring],
        "fargate": a.launch_type == "FARGATE",
        "variables": all_variables,
        "outputs": outputs(a, hooks),
        "provider_floor": floor,
        "provider_constraint": (f"> {NEWEST_WITHOUT_PAUSE_HOOKS}" if pause else f">= {floor}") + f", < {PROVIDER_CEILING}",
        "provider_ceiling": PROVIDER_CEILING,
        "archive_floor": ARCHIVE_FLOOR,
        "rollback_triggers": rollback_triggers(a, hooks),
        "example_inputs": [(v.name.ljust(width), EXAMPLE_EXPRESSIONS[v.name]) for v in required],
        "example_call": [(name.ljust(call_width), value) for name, value in call],
    }
