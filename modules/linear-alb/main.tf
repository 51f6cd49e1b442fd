# The ECS service. ECS itself runs each deployment (LINEAR): it starts the new revision
# in the target group that carries no production traffic, shifts traffic by rewriting the weights of
# the listener rules, and rolls back on its own. README.md describes each stage.

locals {
  # Production traffic moves in ceil(100 / step_percent) steps; ECS skips the step bake after the last.
  traffic_steps = ceil(100 / var.step_percent)
  bake_minutes  = var.bake_time_in_minutes + (local.traffic_steps - 1) * var.step_bake_time_in_minutes
  # wait_for_steady_state makes apply wait for the whole deployment; the default 20m is often too short.
  deployment_timeout = "${var.deployment_timeout_margin_minutes + local.bake_minutes}m"
}

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = var.cluster_arn
  task_definition                   = var.task_definition_arn
  desired_count                     = var.desired_count
  launch_type                       = length(var.capacity_provider_strategy) > 0 ? null : "FARGATE"
  platform_version                  = var.platform_version
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  enable_execute_command            = var.enable_execute_command
  propagate_tags                    = var.propagate_tags
  enable_ecs_managed_tags           = var.enable_ecs_managed_tags
  force_new_deployment              = var.force_new_deployment
  wait_for_steady_state             = true
  tags                              = var.tags

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy
    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  deployment_controller {
    type = "ECS"
  }

  deployment_configuration {
    strategy             = "LINEAR"
    bake_time_in_minutes = var.bake_time_in_minutes

    linear_configuration {
      step_percent              = var.step_percent
      step_bake_time_in_minutes = var.step_bake_time_in_minutes
    }
  }

  # Roll back when tasks of the new revision keep failing to start or to pass health checks.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  dynamic "service_registries" {
    for_each = var.service_registries == null ? [] : [var.service_registries]
    content {
      registry_arn   = service_registries.value.registry_arn
      container_name = service_registries.value.container_name
      container_port = service_registries.value.container_port
    }
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = var.container_name
    container_port   = var.container_port

    advanced_configuration {
      alternate_target_group_arn = aws_lb_target_group.green.arn
      production_listener_rule   = aws_lb_listener_rule.production.arn
      test_listener_rule         = aws_lb_listener_rule.test.arn
      role_arn                   = local.infrastructure_role_arn
    }
  }

  timeouts {
    create = local.deployment_timeout
    update = local.deployment_timeout
  }

  lifecycle {
    # Application Auto Scaling owns the task count once the service exists (autoscaling.tf).
    ignore_changes = [desired_count]
  }

  # Keep the permissions until the service is gone, and grant them before it is created.
  depends_on = [
    aws_iam_role_policy_attachment.infrastructure,
  ]
}
