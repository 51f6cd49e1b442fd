# The ECS service. ECS itself runs each deployment (CANARY): it starts the new revision
# next to the old one and shifts the traffic of the Service Connect clients in the namespace from the
# old revision to the new one, and rolls back on its own. README.md describes each stage.

locals {
  # Production traffic moves in two steps: the canary percentage, then the rest.
  traffic_steps = 2
  bake_minutes  = var.bake_time_in_minutes + var.canary_bake_time_in_minutes
  # wait_for_steady_state makes apply wait for the whole deployment; the default 20m is often too short.
  deployment_timeout = "${var.deployment_timeout_margin_minutes + local.bake_minutes}m"
}

resource "aws_ecs_service" "this" {
  name                    = var.name
  cluster                 = var.cluster_arn
  task_definition         = var.task_definition_arn
  desired_count           = var.desired_count
  launch_type             = length(var.capacity_provider_strategy) > 0 ? null : "FARGATE"
  platform_version        = var.platform_version
  enable_execute_command  = var.enable_execute_command
  propagate_tags          = var.propagate_tags
  enable_ecs_managed_tags = var.enable_ecs_managed_tags
  force_new_deployment    = var.force_new_deployment
  wait_for_steady_state   = true
  tags                    = var.tags

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
    strategy             = "CANARY"
    bake_time_in_minutes = var.bake_time_in_minutes

    canary_configuration {
      canary_percent              = var.canary_percent
      canary_bake_time_in_minutes = var.canary_bake_time_in_minutes
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

  # Clients in the namespace reach the service by dns_name:port through their Service Connect proxy,
  # which ECS points at the new revision step by step; from the test traffic shift on, a request that
  # carries the test header reaches the new revision only.
  service_connect_configuration {
    enabled   = true
    namespace = var.service_connect_namespace

    service {
      port_name      = var.service_connect_port_name
      discovery_name = var.name

      client_alias {
        port     = var.service_connect_client_port
        dns_name = var.service_connect_dns_name != null ? var.service_connect_dns_name : var.name

        test_traffic_rules {
          header {
            name = var.test_header_name

            value {
              exact = var.test_header_value
            }
          }
        }
      }
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
}
