output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "deployment_timeout" {
  description = "Create/update timeout of the service, derived from the bake, hook and NLB times."
  value       = local.deployment_timeout
}
