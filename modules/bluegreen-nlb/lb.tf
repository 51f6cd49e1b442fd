# Two target groups of type "ip" (awsvpc tasks register by IP). "blue" serves production at first;
# each deployment starts the new revision in whichever group carries no production traffic.

resource "aws_lb_target_group" "blue" {
  # A prefix, not a fixed name: a change that replaces the group (port, protocol, VPC) creates the new
  # one before the old one is destroyed, and two groups cannot share a name. Adopted groups keep theirs.
  name                 = var.target_group_names != null ? var.target_group_names.blue : null
  name_prefix          = var.target_group_names != null ? null : "${substr(var.name, 0, 4)}b-"
  port                 = var.container_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol            = var.health_check_protocol
    port                = var.health_check_port
    path                = var.health_check_protocol == "TCP" ? null : var.health_check_path
    matcher             = var.health_check_protocol == "TCP" ? null : var.health_check_matcher
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_target_group" "green" {
  # A prefix, not a fixed name: a change that replaces the group (port, protocol, VPC) creates the new
  # one before the old one is destroyed, and two groups cannot share a name. Adopted groups keep theirs.
  name                 = var.target_group_names != null ? var.target_group_names.green : null
  name_prefix          = var.target_group_names != null ? null : "${substr(var.name, 0, 4)}g-"
  port                 = var.container_port
  protocol             = "TCP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol            = var.health_check_protocol
    port                = var.health_check_port
    path                = var.health_check_protocol == "TCP" ? null : var.health_check_path
    matcher             = var.health_check_protocol == "TCP" ? null : var.health_check_matcher
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Production listener: forwards to both target groups, weighted 100/0. ECS moves the weights.
resource "aws_lb_listener" "production" {
  load_balancer_arn = var.load_balancer_arn
  port              = var.production_listener_port
  protocol          = var.listener_certificate_arn == null ? "TCP" : "TLS"
  certificate_arn   = var.listener_certificate_arn
  ssl_policy        = var.listener_certificate_arn == null ? null : var.listener_ssl_policy
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
  protocol          = var.listener_certificate_arn == null ? "TCP" : "TLS"
  certificate_arn   = var.listener_certificate_arn
  ssl_policy        = var.listener_certificate_arn == null ? null : var.listener_ssl_policy
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
