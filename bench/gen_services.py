"""Generate a Terraform configuration of N blue/green ECS services, as a platform monorepo holds them.

Each service has 8 resources of its own (service, task definition, two target groups, two listener
rules, infrastructure role, its policy attachment), and the services vary the way real estates do:

- `ref`     every role, hook function and target group by reference (what the generator writes);
- `arn`     the infrastructure role by the literal ARN of a role in the configuration, the lifecycle
            hook's function and role by literal ARNs of objects managed elsewhere (a shared hook);
- `deploy`  a CodeDeploy-controlled service: aws_codedeploy_app + deployment group whose service role
            is a literal ARN of a role outside the configuration, the app named by reference, and a
            role managing its policies exclusively (managed_policy_arns / inline_policy).

Shapes: `root` writes every service into one root module (one file per 50 services); `modules`
writes one module directory and a root that calls it with for_each over N keys (module instances).

    python bench/gen_services.py OUT_DIR --services 1000 [--shape root|modules]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ACCOUNT = "123456789012"
SHARED = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.4"
    }
  }
}

resource "aws_lb_listener" "prod" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:%(account)s:loadbalancer/app/web/1"
  port              = 443
  protocol          = "HTTPS"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener" "test" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:%(account)s:loadbalancer/app/web/1"
  port              = 8443
  protocol          = "HTTPS"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }
  }
}
""" % {"account": ACCOUNT}

SERVICE = """
resource "aws_ecs_task_definition" "%(id)s" {
  family                   = "%(name)s"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = "app"
    image        = "public.ecr.aws/nginx/nginx:1.27"
    essential    = true
    portMappings = [{ containerPort = 8080, protocol = "tcp" }]
  }])
}

resource "aws_lb_target_group" "%(id)s_blue" {
  name        = "%(short)s-b"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
  health_check {
    path = "/health"
  }
}

resource "aws_lb_target_group" "%(id)s_green" {
  name        = "%(short)s-g"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0123456789abcdef0"
  health_check {
    path = "/health"
  }
}

%(rules)sresource "aws_iam_role" "%(id)s_infra" {
  name               = "%(name)s-infra"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
}

resource "aws_iam_role_policy_attachment" "%(id)s_infra" {
  role       = aws_iam_role.%(id)s_infra.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
}
"""

LISTENER_RULE = """resource "aws_lb_listener_rule" "%(id)s_%(slot)s" {
  listener_arn = %(listener)s
  priority     = %(priority)d
  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.%(id)s_blue.arn
        weight = %(blue)d
      }
      target_group {
        arn    = aws_lb_target_group.%(id)s_green.arn
        weight = %(green)d
      }
    }
  }
  condition {
    host_header {
      values = ["%(name)s.example.com"]
    }
  }
  lifecycle {
    ignore_changes = [action]
  }
}

"""

ECS_SERVICE = """
resource "aws_ecs_service" "%(id)s" {
  name                  = "%(name)s"
  cluster               = "arn:aws:ecs:us-east-1:%(account)s:cluster/main"
  task_definition       = aws_ecs_task_definition.%(id)s.arn
  desired_count         = 2
  launch_type           = "FARGATE"
  wait_for_steady_state = true

  deployment_controller {
    type = "ECS"
  }

  deployment_configuration {
    strategy             = "BLUE_GREEN"
    bake_time_in_minutes = 5

    lifecycle_hook {
      hook_target_arn  = %(hook_arn)s
      role_arn         = %(hook_role)s
      lifecycle_stages = ["POST_TEST_TRAFFIC_SHIFT"]
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets         = ["subnet-1", "subnet-2"]
    security_groups = ["sg-1"]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.%(id)s_blue.arn
    container_name   = "app"
    container_port   = 8080

    advanced_configuration {
      alternate_target_group_arn = aws_lb_target_group.%(id)s_green.arn
      production_listener_rule   = aws_lb_listener_rule.%(id)s_prod.arn
      test_listener_rule         = aws_lb_listener_rule.%(id)s_test.arn
      role_arn                   = %(infra_role)s
    }
  }

  timeouts {
    create = "40m"
    update = "40m"
  }
}
"""

CODEDEPLOY_SERVICE = """
resource "aws_ecs_service" "%(id)s" {
  name            = "%(name)s"
  cluster         = "arn:aws:ecs:us-east-1:%(account)s:cluster/main"
  task_definition = aws_ecs_task_definition.%(id)s.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  network_configuration {
    subnets         = ["subnet-1", "subnet-2"]
    security_groups = ["sg-1"]
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.%(id)s_blue.arn
    container_name   = "app"
    container_port   = 8080
  }

  lifecycle {
    ignore_changes = [task_definition, load_balancer]
  }
}

resource "aws_codedeploy_app" "%(id)s" {
  name             = "%(name)s"
  compute_platform = "ECS"
}

resource "aws_codedeploy_deployment_group" "%(id)s" {
  app_name               = aws_codedeploy_app.%(id)s.name
  deployment_group_name  = "%(name)s"
  deployment_config_name = "CodeDeployDefault.ECSAllAtOnce"
  service_role_arn       = "arn:aws:iam::%(account)s:role/shared-codedeploy-ecs"

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE"]
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }
    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }

  ecs_service {
    cluster_name = "main"
    service_name = aws_ecs_service.%(id)s.name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [%(prod_listener)s]
      }
      test_traffic_route {
        listener_arns = [%(test_listener)s]
      }
      target_group {
        name = aws_lb_target_group.%(id)s_blue.name
      }
      target_group {
        name = aws_lb_target_group.%(id)s_green.name
      }
    }
  }
}

resource "aws_iam_role" "%(id)s_task" {
  name                = "%(name)s-task"
  assume_role_policy  = data.aws_iam_policy_document.ecs_assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"]
  inline_policy {
    name   = "read-config"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = "*" }] })
  }
}
"""


def service_text(index: int, key: str, module_shape: bool) -> str:
    """One service's resources. In the module shape every name comes from var.name."""
    variant = ("ref", "arn", "deploy")[index % 3]
    name = "${var.name}" if module_shape else key
    fields = {
        "id": "this" if module_shape else key.replace("-", "_"),
        "name": name,
        "short": "${substr(var.name, 0, 20)}" if module_shape else key[:20],
        "account": ACCOUNT,
        "priority": 100 if module_shape else 100 + index,
        "prod_listener": "var.prod_listener_arn" if module_shape else "aws_lb_listener.prod.arn",
        "test_listener": "var.test_listener_arn" if module_shape else "aws_lb_listener.test.arn",
    }
    fields["rules"] = "".join(
        LISTENER_RULE % {**fields, "slot": slot, "listener": fields[f"{slot}_listener"], "blue": blue, "green": 100 - blue}
        for slot, blue in (("prod", 100), ("test", 0))
    )
    text = SERVICE % fields
    if variant == "deploy":
        return text + CODEDEPLOY_SERVICE % fields
    if variant == "ref":
        fields["hook_arn"] = f'"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}-hook"'
        fields["hook_role"] = f"aws_iam_role.{fields['id']}_infra.arn"
        fields["infra_role"] = f"aws_iam_role.{fields['id']}_infra.arn"
    else:
        # Literal ARNs: a shared hook function and hook role outside this configuration, and the
        # infrastructure role (inside it) by ARN instead of by reference.
        fields["hook_arn"] = f'"arn:aws:lambda:us-east-1:{ACCOUNT}:function:shared-deploy-hook"'
        fields["hook_role"] = f'"arn:aws:iam::{ACCOUNT}:role/shared-deploy-hook-invoke"'
        fields["infra_role"] = f'"arn:aws:iam::{ACCOUNT}:role/{name}-infra"'
    return text + ECS_SERVICE % fields


def write_root(out: Path, services: int) -> None:
    (out / "main.tf").write_text(SHARED)
    per_file = 50
    for start in range(0, services, per_file):
        chunk = [service_text(i, f"svc-{i:05d}", False) for i in range(start, min(services, start + per_file))]
        (out / f"services_{start // per_file:04d}.tf").write_text("".join(chunk))


def write_modules(out: Path, services: int) -> None:
    """A root calling one service module per variant with for_each: module instances of one source."""
    root = [SHARED]
    for variant in range(3):
        module = out / f"service_{variant}"
        module.mkdir()
        (module / "main.tf").write_text(
            'variable "name" {\n  type = string\n}\n'
            'variable "prod_listener_arn" {\n  type = string\n}\n'
            'variable "test_listener_arn" {\n  type = string\n}\n'
            'data "aws_iam_policy_document" "ecs_assume" {\n  statement {\n    actions = ["sts:AssumeRole"]\n'
            '    principals {\n      type        = "Service"\n      identifiers = ["ecs.amazonaws.com"]\n    }\n  }\n}\n'
            + service_text(variant, "", True)
        )
        keys = ", ".join(f'"svc-{i:05d}"' for i in range(variant, services, 3))
        root.append(
            f'module "services_{variant}" {{\n  source            = "./service_{variant}"\n'
            f"  for_each          = toset([{keys}])\n  name              = each.key\n"
            "  prod_listener_arn = aws_lb_listener.prod.arn\n  test_listener_arn = aws_lb_listener.test.arn\n}\n"
        )
    (out / "main.tf").write_text("\n".join(root))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--shape", choices=("root", "modules"), default="root")
    args = parser.parse_args()
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"{out}: not empty; choose a new directory", file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)
    (write_root if args.shape == "root" else write_modules)(out, args.services)
    print(f"{out}: {args.services} services ({args.shape})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
