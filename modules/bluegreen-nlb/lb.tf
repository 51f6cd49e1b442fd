# Two target groups of type "ip" (awsvpc tasks register by IP). "blue" serves production at first;
# each deployment starts the new revision in whichever group carries no production traffic.

resource "aws_lb_target_group" "blue" {
  name                 = "${var.name}-blue"
  port                 = var.container_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol = "TCP"
  }
}

resource "aws_lb_target_group" "green" {
  name                 = "${var.name}-green"
  port                 = var.container_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol = "TCP"
  }
}

# Production listener: forwards to both target groups, weighted 100/0. ECS moves the weights.
resource "aws_lb_listener" "production" {
  load_balancer_arn = var.load_balancer_arn
  port              = var.production_listener_port
  protocol          = "TCP"
  tags              = var.tags

  default_action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = 100
      }

      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 0
      }
    }
  }

  lifecycle {
    # ECS rewrites these weights on every deployment; Terraform must not put them back.
    ignore_changes = [default_action[0].forward[0].target_group]
  }
}

# Test listener on its own port (an NLB cannot route by content): forwards to the group that
# receives the new revision.
resource "aws_lb_listener" "test" {
  load_balancer_arn = var.load_balancer_arn
  port              = var.test_listener_port
  protocol          = "TCP"
  tags              = var.tags

  default_action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 100
      }
    }
  }

  lifecycle {
    # ECS points this listener at the new revision's group on every deployment.
    ignore_changes = [default_action[0].forward[0].target_group]
  }
}
