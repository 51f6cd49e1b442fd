"""Module inputs of the `ecs` templates beyond the deployment itself: service settings, autoscaling,
IAM naming and existing roles, health checks, TLS, target group alarms, pause hooks, Service Connect.

Every value an environment may want to change is a variable (with the usual default); only what a
`lifecycle` block or the resource set depends on is an answer baked in at generation time
(autoscaling ignores desired_count; alarms, pause hooks and Service Connect add resources)."""

from __future__ import annotations

from generator.answers import Answers
from generator.ecs_variable import Variable

# DescribeServiceDeployments and friends accept a pause of up to 14 days (ecs-deployments.md §2.6).
PAUSE_TIMEOUT_MAX_MINUTES = 20160


def _range(name: str, low: float, high: float, what: str) -> tuple[str, str]:
    return (f"var.{name} >= {low} && var.{name} <= {high}", f"The {name} must be from {low} to {high} {what}.".replace("  ", " "))


def service_inputs(a: Answers) -> list[Variable]:
    vs = [
        Variable(
            "capacity_provider_strategy",
            "list(object({ capacity_provider = string, weight = number, base = number }))",
            "Capacity providers to run the tasks on instead of the launch type (empty: launch type "
            f"{a.launch_type}). Changing it later needs force_new_deployment = true.",
            [],
        ),
    ]
    if a.launch_type == "FARGATE":
        vs.append(Variable("platform_version", "string", "Fargate platform version (null: LATEST).", None))
    vs += [
        Variable("enable_execute_command", "bool", "Allow ECS Exec into the tasks (the task role needs the SSM permissions).", False),
        Variable(
            "propagate_tags",
            "string",
            "Copy tags to the tasks from the SERVICE or the TASK_DEFINITION, or NONE.",
            "SERVICE",
            (('contains(["SERVICE", "TASK_DEFINITION", "NONE"], var.propagate_tags)', "The propagate_tags must be SERVICE, TASK_DEFINITION or NONE."),),
        ),
        Variable("enable_ecs_managed_tags", "bool", "Let ECS tag the tasks with the cluster and service names.", True),
        Variable(
            "service_registries",
            "object({ registry_arn = string, container_name = string, container_port = number })",
            "Cloud Map service to register the tasks in (container_name and container_port may be null "
            "for A records); null: none.",
            None,
        ),
        Variable(
            "force_new_deployment",
            "bool",
            "Start a deployment on every apply even without a new task definition (e.g. to pull a moved image tag).",
            False,
        ),
    ]
    if a.launch_type == "EC2":
        vs += [
            Variable(
                "placement_strategies",
                "list(object({ type = string, field = string }))",
                "How ECS places tasks on the container instances (at most 5; field null for random).",
                [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
                (("length(var.placement_strategies) <= 5", "Give at most 5 placement strategies."),),
            ),
            Variable(
                "placement_constraints",
                "list(object({ type = string, expression = string }))",
                "Placement constraints (distinctInstance or memberOf with a cluster query expression; at most 10).",
                [],
                (("length(var.placement_constraints) <= 10", "Give at most 10 placement constraints."),),
            ),
        ]
    return vs


def autoscaling_inputs(a: Answers) -> list[Variable]:
    if not a.autoscaling:
        return []
    vs = [
        Variable(
            "autoscaling_min_capacity",
            "number",
            "Fewest tasks Application Auto Scaling keeps.",
            max(1, min(a.desired_count, 2)),
            (("var.autoscaling_min_capacity >= 0", "The autoscaling_min_capacity must be 0 or more."),),
        ),
        Variable(
            "autoscaling_max_capacity",
            "number",
            "Most tasks Application Auto Scaling starts. During a deployment ECS runs this many of each revision at most.",
            max(10, a.desired_count * 5),
            (("var.autoscaling_max_capacity >= 1", "The autoscaling_max_capacity must be 1 or more."),),
        ),
        Variable(
            "autoscaling_cpu_target",
            "number",
            "Average CPU utilisation (percent) to keep the service at; null: no CPU policy.",
            60,
            (("var.autoscaling_cpu_target == null ? true : var.autoscaling_cpu_target > 0 && var.autoscaling_cpu_target <= 100",
              "The autoscaling_cpu_target must be from 1 to 100, or null."),),
        ),
        Variable(
            "autoscaling_memory_target",
            "number",
            "Average memory utilisation (percent) to keep the service at; null: no memory policy.",
            None,
            (("var.autoscaling_memory_target == null ? true : var.autoscaling_memory_target > 0 && var.autoscaling_memory_target <= 100",
              "The autoscaling_memory_target must be from 1 to 100, or null."),),
        ),
    ]
    if a.load_balancer == "alb":
        vs.append(
            Variable(
                "autoscaling_requests_per_target",
                "number",
                "ALB requests per task and minute to keep the service at; null: no request-count policy. "
                "The module tracks both target groups, so the policy follows production traffic across deployments.",
                None,
                (("var.autoscaling_requests_per_target == null ? true : var.autoscaling_requests_per_target > 0",
                  "The autoscaling_requests_per_target must be more than 0, or null."),),
            )
        )
    vs += [
        Variable("autoscaling_scale_in_cooldown", "number", "Seconds between a scale-in and the next.", 300),
        Variable("autoscaling_scale_out_cooldown", "number", "Seconds between a scale-out and the next.", 60),
    ]
    return vs


def iam_inputs(a: Answers, hooks: bool) -> list[Variable]:
    arn_check = 'can(regex("^arn:[^:]+:iam::[0-9]{12}:role/", var.%s))'
    vs = [
        Variable("iam_role_path", "string", "Path of the IAM roles the module creates.", "/",
                 (('can(regex("^/(.*/)?$", var.iam_role_path))', "The iam_role_path must start and end with a slash."),)),
        Variable("iam_permissions_boundary_arn", "string", "Permissions boundary for the IAM roles the module creates; null: none.", None),
    ]
    if a.load_balancer != "service-connect":
        vs.append(
            Variable(
                "infrastructure_role_arn",
                "string",
                "Existing infrastructure role ECS assumes to shift traffic (trusted by ecs.amazonaws.com); null: the module "
                "creates one.",
                None,
                (("var.infrastructure_role_arn == null ? true : " + arn_check % "infrastructure_role_arn",
                  "The infrastructure_role_arn must be an IAM role ARN."),),
            )
        )
    if hooks:
        vs += [
            Variable(
                "hook_invoke_role_arn",
                "string",
                "Existing role ECS assumes to invoke the hook functions (trusted by ecs.amazonaws.com, allowed "
                "lambda:InvokeFunction on them); null: the module creates one.",
                None,
                (("var.hook_invoke_role_arn == null ? true : " + arn_check % "hook_invoke_role_arn",
                  "The hook_invoke_role_arn must be an IAM role ARN."),),
            ),
            Variable(
                "hook_function_role_arn",
                "string",
                "Existing execution role of the hook functions (trusted by lambda.amazonaws.com); null: the module creates one.",
                None,
                (("var.hook_function_role_arn == null ? true : " + arn_check % "hook_function_role_arn",
                  "The hook_function_role_arn must be an IAM role ARN."),),
            ),
        ]
    return vs


def target_group_inputs(a: Answers) -> list[Variable]:
    return [
        Variable(
            "target_group_names",
            "object({ blue = string, green = string })",
            "Names of existing target groups the module takes over (e.g. moved in by tfbg migrate), kept so that "
            "they are not replaced; null: the module names new groups by prefix, and a change that replaces one "
            "creates the new group first.",
            None,
        )
    ]


def health_check_inputs(a: Answers) -> list[Variable]:
    alb = a.load_balancer == "alb"
    protocols = '["HTTP", "HTTPS"]' if alb else '["TCP", "HTTP", "HTTPS"]'
    return [
        Variable(
            "health_check_protocol",
            "string",
            "Protocol of the target groups' health check.",
            "HTTP" if alb else "TCP",
            ((f"contains({protocols}, var.health_check_protocol)", f"The health_check_protocol must be one of {protocols}."),),
        ),
        Variable("health_check_port", "string", "Port of the health check (traffic-port: the container port).", "traffic-port"),
        Variable("health_check_path", "string", "Path of the HTTP(S) health check (not used with TCP).", "/"),
        Variable("health_check_matcher", "string", "HTTP codes a healthy target returns (not used with TCP).", "200"),
        Variable("health_check_interval", "number", "Seconds between health checks (5-300).", 30,
                 (_range("health_check_interval", 5, 300, "seconds"),)),
        Variable("health_check_timeout", "number", "Seconds without an answer that fail a check (2-120; null: the load balancer's default).", None,
                 (("var.health_check_timeout == null ? true : var.health_check_timeout >= 2 && var.health_check_timeout <= 120",
                   "The health_check_timeout must be from 2 to 120 seconds, or null."),)),
        Variable("health_check_healthy_threshold", "number", "Passing checks in a row that make a target healthy (2-10).", 3,
                 (_range("health_check_healthy_threshold", 2, 10, "checks"),)),
        Variable("health_check_unhealthy_threshold", "number", "Failing checks in a row that make a target unhealthy (2-10).", 3,
                 (_range("health_check_unhealthy_threshold", 2, 10, "checks"),)),
    ]


def tls_inputs(a: Answers) -> list[Variable]:
    if a.load_balancer != "nlb":
        return []
    return [
        Variable(
            "listener_certificate_arn",
            "string",
            "ACM certificate for TLS listeners (the NLB terminates TLS); null: TCP listeners.",
            None,
        ),
        Variable("listener_ssl_policy", "string", "Security policy of the TLS listeners.", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
    ]


def target_group_alarm_inputs(a: Answers) -> list[Variable]:
    if not a.target_group_alarms:
        return []
    return [
        Variable("target_group_5xx_threshold", "number", "5xx answers of the new revision per minute that roll a deployment back.", 10,
                 (("var.target_group_5xx_threshold > 0", "The target_group_5xx_threshold must be more than 0."),)),
        Variable("target_group_latency_threshold_seconds", "number", "Average response time (seconds) of the new revision that rolls a deployment back.", 1,
                 (("var.target_group_latency_threshold_seconds > 0", "The target_group_latency_threshold_seconds must be more than 0."),)),
        Variable("target_group_alarm_evaluation_periods", "number", "Minutes in a row a threshold must be crossed.", 2,
                 (("var.target_group_alarm_evaluation_periods >= 1", "The target_group_alarm_evaluation_periods must be 1 or more."),)),
    ]


def pause_inputs(a: Answers) -> list[Variable]:
    if not a.pause_hooks:
        return []
    return [
        Variable(
            "pause_timeout_minutes",
            "number",
            "Minutes a paused deployment waits for a decision before ECS takes pause_timeout_action.",
            1440,
            (_range("pause_timeout_minutes", 1, PAUSE_TIMEOUT_MAX_MINUTES, "minutes"),),
        ),
        Variable(
            "pause_timeout_action",
            "string",
            "What ECS does when nobody decides in time: ROLLBACK or CONTINUE.",
            "ROLLBACK",
            (('contains(["ROLLBACK", "CONTINUE"], var.pause_timeout_action)', "The pause_timeout_action must be ROLLBACK or CONTINUE."),),
        ),
        Variable(
            "pause_notification_emails",
            "list(string)",
            "Email addresses subscribed to the approval topic (each must confirm its subscription).",
            [],
        ),
    ]


def service_connect_inputs(a: Answers) -> list[Variable]:
    if a.load_balancer != "service-connect":
        return []
    return [
        Variable("service_connect_namespace", "string", "Cloud Map namespace (ARN or name) the service joins."),
        Variable("service_connect_port_name", "string", "Name of the container port mapping Service Connect exposes.", "http"),
        Variable(
            "service_connect_client_port",
            "number",
            "Port clients call the service on.",
            a.container_port,
            (("var.service_connect_client_port >= 1 && var.service_connect_client_port <= 65535", "The service_connect_client_port must be from 1 to 65535."),),
        ),
        Variable("service_connect_dns_name", "string", "Name clients call the service by (null: the service name).", None),
    ]
