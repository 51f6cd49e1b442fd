output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "codedeploy_app_name" {
  description = "CodeDeploy application (aws deploy --application-name)."
  value       = aws_codedeploy_app.this.name
}

output "deployment_group_name" {
  description = "CodeDeploy deployment group (aws deploy --deployment-group-name)."
  value       = aws_codedeploy_deployment_group.this.deployment_group_name
}

output "deployment_config_name" {
  description = "CodeDeploy deployment configuration of the group."
  value       = aws_codedeploy_deployment_group.this.deployment_config_name
}

output "blue_target_group_arn" {
  description = "Target group that serves production traffic at first."
  value       = aws_lb_target_group.blue.arn
}

output "green_target_group_arn" {
  description = "Target group the first deployment moves traffic to."
  value       = aws_lb_target_group.green.arn
}

output "production_listener_arn" {
  description = "Production listener (CodeDeploy rewrites its forward action)."
  value       = aws_lb_listener.production.arn
}

output "test_listener_arn" {
  description = "Test listener (CodeDeploy points it at the replacement task set)."
  value       = aws_lb_listener.test.arn
}

output "codedeploy_role_arn" {
  description = "Service role CodeDeploy assumes."
  value       = aws_iam_role.codedeploy.arn
}

output "appspec" {
  description = "AppSpec (YAML) of a deployment of task_definition_arn; deploy another revision by replacing that ARN (README.md shows the commands)."
  value       = local.appspec
}
