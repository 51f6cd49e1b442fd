data "aws_partition" "current" {}

# ECS assumes both roles below. AWS documents the trust as the service principal alone; a condition
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

# Infrastructure role (load_balancer.advanced_configuration.role_arn): ECS uses it to register tasks in
# the target groups and to move traffic between them.
resource "aws_iam_role" "infrastructure" {
  name               = "${var.name}-ecs-infrastructure"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json
  tags               = var.tags
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
  name   = "ecs-traffic-shifting"
  role   = aws_iam_role.infrastructure.id
  policy = data.aws_iam_policy_document.infrastructure.json
}
