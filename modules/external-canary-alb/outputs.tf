output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "primary_task_set_id" {
  description = "Task set serving production."
  value       = aws_ecs_task_set.primary.task_set_id
}

output "canary_task_set_id" {
  description = "Canary task set, null when there is none."
  value       = length(aws_ecs_task_set.canary) > 0 ? aws_ecs_task_set.canary[0].task_set_id : null
}

output "primary_target_group_arn" {
  description = "Target group of the primary task set."
  value       = aws_lb_target_group.primary.arn
}

output "canary_target_group_arn" {
  description = "Target group of the canary task set."
  value       = aws_lb_target_group.canary.arn
}

output "production_listener_arn" {
  description = "Production listener (weighted between the two target groups)."
  value       = aws_lb_listener.production.arn
}

output "traffic_weights" {
  description = "Production traffic weights now: primary and canary."
  value       = local.weights
}

output "test_listener_arn" {
  description = "Test listener (always forwards to the canary target group)."
  value       = aws_lb_listener.test.arn
}
