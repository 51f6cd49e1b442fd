# Application Auto Scaling sets the service's desired count between the minimum and the maximum; the
# service ignores changes to desired_count (main.tf) so that an apply never undoes a scaling action.
# During an ECS deployment Application Auto Scaling does not scale in.

locals {
  autoscaling_resource_id = "service/${element(split("/", var.cluster_arn), 1)}/${aws_ecs_service.this.name}"
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = local.autoscaling_resource_id
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.autoscaling_min_capacity
  max_capacity       = var.autoscaling_max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.autoscaling_cpu_target == null ? 0 : 1

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_cpu_target
    scale_in_cooldown  = var.autoscaling_scale_in_cooldown
    scale_out_cooldown = var.autoscaling_scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  count = var.autoscaling_memory_target == null ? 0 : 1

  name               = "${var.name}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_memory_target
    scale_in_cooldown  = var.autoscaling_scale_in_cooldown
    scale_out_cooldown = var.autoscaling_scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

# Requests per task on the blue group. Production traffic alternates between the groups, so there is
# a policy per group: the idle group's policy never asks for more tasks, and Application Auto Scaling
# scales in only when every policy agrees.
resource "aws_appautoscaling_policy" "requests_blue" {
  count = var.autoscaling_requests_per_target == null ? 0 : 1

  name               = "${var.name}-requests-blue"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_requests_per_target
    scale_in_cooldown  = var.autoscaling_scale_in_cooldown
    scale_out_cooldown = var.autoscaling_scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${local.load_balancer_arn_suffix}/${aws_lb_target_group.blue.arn_suffix}"
    }
  }
}

# Requests per task on the green group. Production traffic alternates between the groups, so there is
# a policy per group: the idle group's policy never asks for more tasks, and Application Auto Scaling
# scales in only when every policy agrees.
resource "aws_appautoscaling_policy" "requests_green" {
  count = var.autoscaling_requests_per_target == null ? 0 : 1

  name               = "${var.name}-requests-green"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_requests_per_target
    scale_in_cooldown  = var.autoscaling_scale_in_cooldown
    scale_out_cooldown = var.autoscaling_scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${local.load_balancer_arn_suffix}/${aws_lb_target_group.green.arn_suffix}"
    }
  }
}
