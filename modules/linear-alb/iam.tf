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

# The AWS managed policy for this role (no "service-role/" path); AWS revises it as ECS's needs change.
resource "aws_iam_role_policy_attachment" "infrastructure" {
  role       = aws_iam_role.infrastructure.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
}
