# The ECS service. CodeDeploy runs its deployments: it starts the new task definition as a replacement
# task set in the target group that carries no production traffic, reroutes the listeners and stops the
# original task set after the termination wait. README.md describes each step.

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = var.cluster_arn
  task_definition                   = var.task_definition_arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  tags                              = var.tags

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  # One target group only: CodeDeploy swaps it for the other one on every deployment.
  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  lifecycle {
    # CodeDeploy owns both after creation: each deployment sets the task definition of its appspec and
    # moves the service to the other target group. The ECS API refuses a task definition change from
    # Terraform ("Unable to update task definition on services with a CODE_DEPLOY deployment controller").
    ignore_changes = [task_definition, load_balancer]
  }

  # The listeners must forward to the target group before the service registers tasks in it.
  depends_on = [aws_lb_listener.production]
}
