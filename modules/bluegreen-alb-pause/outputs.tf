output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "blue_target_group_arn" {
  description = "Target group that serves production traffic at first."
  value       = aws_lb_target_group.blue.arn
}

output "green_target_group_arn" {
  description = "Alternate target group the first deployment moves traffic to."
  value       = aws_lb_target_group.green.arn
}

output "production_listener_rule_arn" {
  description = "Production listener rule (ECS rewrites its weights)."
  value       = aws_lb_listener_rule.production.arn
}

output "test_listener_rule_arn" {
  description = "Test listener rule (forwards to the revision being deployed)."
  value       = aws_lb_listener_rule.test.arn
}

output "infrastructure_role_arn" {
  description = "Role ECS assumes to shift traffic on the load balancer."
  value       = local.infrastructure_role_arn
}

output "pause_topic_arn" {
  description = "SNS topic told when a deployment pauses for approval."
  value       = aws_sns_topic.pause.arn
}

output "rollback_alarm_names" {
  description = "Alarms that roll a deployment back."
  value       = local.rollback_alarm_names
}

output "deployment_timeout" {
  description = "How long CI should wait for a deployment, derived from the bake, hook and NLB times."
  value       = local.deployment_timeout
}
