data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

# ECS assumes the roles below. AWS documents the trust as the service principal alone; a condition
# ECS does not supply when it assumes the role would make the role unusable.
data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }
  }
}

locals {
  infrastructure_role_arn = var.infrastructure_role_arn != null ? var.infrastructure_role_arn : aws_iam_role.infrastructure[0].arn
}

# Infrastructure role (load_balancer.advanced_configuration.role_arn): ECS uses it to register tasks in
# the target groups and to move traffic between them. Its name carries the region: IAM is global, so
# the same module in two regions of one account would otherwise fight over one role.
resource "aws_iam_role" "infrastructure" {
  count = var.infrastructure_role_arn == null ? 1 : 0

  name                 = "${var.name}-ecs-infra-${data.aws_region.current.region}"
  path                 = var.iam_role_path
  permissions_boundary = var.iam_permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.ecs_assume.json
  tags                 = var.tags
}

# The actions of AmazonECSInfrastructureRolePolicyForLoadBalancers, limited to this module's target
# groups, listeners and rules. Revisit it when AWS revises that managed policy.
data "aws_iam_policy_document" "infrastructure" {
  statement {
    sid = "ReadLoadBalancing"
    actions = [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "RegisterTasks"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = [aws_lb_target_group.blue.arn, aws_lb_target_group.green.arn]
  }

  statement {
    sid       = "ShiftListenerTraffic"
    actions   = ["elasticloadbalancing:ModifyListener"]
    resources = [var.production_listener_arn, var.test_listener_arn]
  }

  statement {
    sid       = "ShiftRuleTraffic"
    actions   = ["elasticloadbalancing:ModifyRule"]
    resources = [aws_lb_listener_rule.production.arn, aws_lb_listener_rule.test.arn]
  }
}

resource "aws_iam_role_policy" "infrastructure" {
  count = var.infrastructure_role_arn == null ? 1 : 0

  name   = "ecs-traffic-shifting"
  role   = aws_iam_role.infrastructure[0].id
  policy = data.aws_iam_policy_document.infrastructure.json
}
