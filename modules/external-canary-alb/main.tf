# The ECS service with the EXTERNAL deployment controller: the service is only a shell (name, desired
# count); its tasks belong to task sets. Terraform drives the rollout: README.md lists the applies.

locals {
  canary = var.canary_task_definition_arn != null
  # Step 3 (promote): the primary task set runs what the canary runs.
  primary_task_definition = var.promote && local.canary ? var.canary_task_definition_arn : var.task_definition_arn
  # Traffic goes to the canary target group only while a canary task set is registered in it.
  weights = {
    primary = local.canary ? 100 - var.canary_weight : 100
    canary  = local.canary ? var.canary_weight : 0
  }
}

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = var.cluster_arn
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  tags                              = var.tags

  # Task definition, launch type, network and load balancer belong to the task sets: the ECS API takes
  # them from there (and refuses to change them on an EXTERNAL service).
  deployment_controller {
    type = "EXTERNAL"
  }

  # The listener must forward to the target groups before task sets register tasks in them.
  depends_on = [aws_lb_listener.production]
}

resource "aws_ecs_task_set" "primary" {
  service                   = aws_ecs_service.this.id
  cluster                   = var.cluster_arn
  task_definition           = local.primary_task_definition
  launch_type               = "FARGATE"
  external_id               = "primary"
  wait_until_stable         = true
  wait_until_stable_timeout = var.task_set_stable_timeout
  tags                      = var.tags

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.primary.arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  scale {
    unit  = "PERCENT"
    value = 100
  }

  lifecycle {
    # A new task definition replaces a task set (ECS cannot change it in place): start the new primary
    # before the old one is deleted, so the primary target group never runs empty.
    create_before_destroy = true
  }
}

resource "aws_ecs_task_set" "canary" {
  count = local.canary ? 1 : 0

  service                   = aws_ecs_service.this.id
  cluster                   = var.cluster_arn
  task_definition           = var.canary_task_definition_arn
  launch_type               = "FARGATE"
  external_id               = "canary"
  wait_until_stable         = true
  wait_until_stable_timeout = var.task_set_stable_timeout
  tags                      = var.tags

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.canary.arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  scale {
    unit  = "PERCENT"
    value = var.canary_scale_percent
  }
}
