# Two target groups of type "ip" (awsvpc tasks register by IP). "blue" serves production at first;
# each deployment starts the new revision in whichever group carries no production traffic.

resource "aws_lb_target_group" "blue" {
  # A prefix, not a fixed name: a change that replaces the group (port, protocol, VPC) creates the new
  # one before the old one is destroyed, and two groups cannot share a name. Adopted groups keep theirs.
  name                 = var.target_group_names != null ? var.target_group_names.blue : null
  name_prefix          = var.target_group_names != null ? null : "${substr(var.name, 0, 4)}b-"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol            = var.health_check_protocol
    port                = var.health_check_port
    path                = var.health_check_path
    matcher             = var.health_check_matcher
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
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay
  tags                 = var.tags

  health_check {
    protocol            = var.health_check_protocol
    port                = var.health_check_port
    path                = var.health_check_path
    matcher             = var.health_check_matcher
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # "app/<name>/<id>" of the load balancer, from the listener ARN (its metrics' LoadBalancer dimension).
  load_balancer_arn_suffix = join("/", slice(split("/", var.production_listener_arn), 1, 4))
}

# Production rule: forwards to both target groups, weighted 100/0 (ECS requires exactly one group
# serving traffic when a deployment starts, and moves the weights itself).
resource "aws_lb_listener_rule" "production" {
  listener_arn = var.production_listener_arn
  priority     = var.listener_rule_priority
  tags         = var.tags

  action {
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

  condition {
    path_pattern {
      values = var.path_patterns
    }
  }

  dynamic "condition" {
    for_each = length(var.host_headers) > 0 ? [var.host_headers] : []
    content {
      host_header {
        values = condition.value
      }
    }
  }

  lifecycle {
    # ECS rewrites these weights on every deployment; Terraform must not put them back.
    ignore_changes = [action[0].forward[0].target_group]
  }
}

# Test rule on the production listener: requests carrying the test header go to the group that
# receives the new revision. Its priority number is one below the production rule's, so the load
# balancer evaluates it first; both rules match the same paths and hosts.
resource "aws_lb_listener_rule" "test" {
  listener_arn = var.production_listener_arn
  priority     = var.listener_rule_priority - 1
  tags         = var.tags

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 100
      }
    }
  }

  condition {
    path_pattern {
      values = var.path_patterns
    }
  }

  condition {
    http_header {
      http_header_name = var.test_header_name
      values           = [var.test_header_value]
    }
  }

  dynamic "condition" {
    for_each = length(var.host_headers) > 0 ? [var.host_headers] : []
    content {
      host_header {
        values = condition.value
      }
    }
  }

  lifecycle {
    # ECS points this rule at the new revision's group on every deployment.
    ignore_changes = [action[0].forward[0].target_group]
  }
}
