# The load balancer you pass in; reading it makes a wrong ARN fail at plan time, and both listeners below
# visibly share it (CodeDeploy requires the production and test listeners on the same load balancer).
data "aws_lb" "this" {
  arn = var.load_balancer_arn
}

# Two target groups of type "ip" (awsvpc tasks register by IP). "blue" serves production at first;
# each deployment starts the replacement task set in whichever group carries no production traffic.

resource "aws_lb_target_group" "blue" {
  name                 = "${var.name}-blue"
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

resource "aws_lb_target_group" "green" {
  name                 = "${var.name}-green"
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

# Production listener. CodeDeploy rewrites its forward action on every deployment (to the replacement's
# group, weighted during a canary or linear shift); Terraform must not put it back.
resource "aws_lb_listener" "production" {
  load_balancer_arn = data.aws_lb.this.arn
  port              = var.production_listener_port
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.blue.arn
  }

  lifecycle {
    ignore_changes = [default_action]
  }
}

# Test listener on the same load balancer (CodeDeploy requires that): during a deployment it forwards
# to the replacement task set, before any production traffic does.
resource "aws_lb_listener" "test" {
  load_balancer_arn = data.aws_lb.this.arn
  port              = var.test_listener_port
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.blue.arn
  }

  lifecycle {
    ignore_changes = [default_action]
  }
}
