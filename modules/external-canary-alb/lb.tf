# Two target groups of type "ip" (awsvpc tasks register by IP): one per task set.

resource "aws_lb_target_group" "primary" {
  name                 = "${var.name}-primary"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    path    = var.health_check_path
    matcher = var.health_check_matcher
  }
}

resource "aws_lb_target_group" "canary" {
  name                 = "${var.name}-canary"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    path    = var.health_check_path
    matcher = var.health_check_matcher
  }
}

# Production listener: weighted between the primary and the canary target group. Terraform owns the
# weights (canary_weight); there is no ignore_changes, so a plan shows any weight changed outside it.
resource "aws_lb_listener" "production" {
  load_balancer_arn = var.load_balancer_arn
  port              = var.production_listener_port
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.primary.arn
        weight = local.weights.primary
      }

      target_group {
        arn    = aws_lb_target_group.canary.arn
        weight = local.weights.canary
      }
    }
  }
}

# Test listener: always the canary target group, so the canary can be checked before it takes any
# production traffic (it answers 503 while no canary task set exists).
resource "aws_lb_listener" "test" {
  load_balancer_arn = var.load_balancer_arn
  port              = var.test_listener_port
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.canary.arn
  }
}
