variable "name" {
  description = "Name of the ECS service; also the prefix of the target groups, roles and hook functions."
  type        = string
  default     = "bluegreen-nlb"

  validation {
    condition     = length(var.name) <= 26 && can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.name))
    error_message = "The name must be 1-26 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen (target group names \"<name>-green\" are limited to 32 characters)."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster that runs the service."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:ecs:[^:]*:[0-9]*:cluster/", var.cluster_arn))
    error_message = "The cluster_arn must be an ARN starting with arn:<partition>:ecs:<region>:<account>:cluster/."
  }
}

variable "task_definition_arn" {
  description = "ARN of the task definition to deploy (network mode awsvpc). Changing it starts a deployment."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:ecs:[^:]*:[0-9]*:task-definition/", var.task_definition_arn))
    error_message = "The task_definition_arn must be an ARN starting with arn:<partition>:ecs:<region>:<account>:task-definition/."
  }
}

variable "container_name" {
  description = "Container in the task definition that receives the traffic."
  type        = string
  default     = "app"
}

variable "container_port" {
  description = "Port of that container; the target groups use it too."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535
    error_message = "The container_port must be from 1 to 65535."
  }
}

variable "desired_count" {
  description = "Number of tasks. During a deployment ECS runs this many tasks of each revision."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 0 && floor(var.desired_count) == var.desired_count
    error_message = "The desired_count must be a whole number of 0 or more."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and of the tasks; both target groups are created in it."
  type        = string

  validation {
    condition     = can(regex("^vpc-", var.vpc_id))
    error_message = "The vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets for the tasks (awsvpc)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "Give at least one subnet."
  }
}

variable "security_group_ids" {
  description = "Security groups for the tasks; they must admit the load balancer on container_port."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "Give at least one security group."
  }
}

variable "assign_public_ip" {
  description = "Give the Fargate tasks public IP addresses."
  type        = bool
  default     = false
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing load balancer health checks after a task starts."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "The health_check_grace_period_seconds must be 0 or more."
  }
}

variable "bake_time_in_minutes" {
  description = "Minutes both revisions keep running after all production traffic has moved, before the old one is stopped; a rollback in this window is instant."
  type        = number
  default     = 5

  validation {
    condition     = var.bake_time_in_minutes >= 0 && var.bake_time_in_minutes <= 1440 && floor(var.bake_time_in_minutes) == var.bake_time_in_minutes
    error_message = "The bake_time_in_minutes must be a whole number of minutes from 0 to 1440."
  }
}

variable "load_balancer_arn" {
  description = "ARN of the Network Load Balancer; the module creates its listeners."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:elasticloadbalancing:[^:]*:[0-9]*:loadbalancer/net/", var.load_balancer_arn))
    error_message = "The load_balancer_arn must be an ARN starting with arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/net/."
  }
}

variable "production_listener_port" {
  description = "TCP port of the production listener the module creates."
  type        = number
  default     = 80

  validation {
    condition     = var.production_listener_port >= 1 && var.production_listener_port <= 65535
    error_message = "The production_listener_port must be from 1 to 65535."
  }
}

variable "test_listener_port" {
  description = "TCP port of the test listener the module creates (must differ from the production port)."
  type        = number
  default     = 8080

  validation {
    condition     = var.test_listener_port >= 1 && var.test_listener_port <= 65535
    error_message = "The test_listener_port must be from 1 to 65535."
  }
}

variable "deregistration_delay" {
  description = "Seconds a target group drains connections of a deregistered task."
  type        = number
  default     = 300

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "The deregistration_delay must be from 0 to 3600."
  }
}

variable "deployment_timeout_margin_minutes" {
  description = "Minutes added to the bake, hook and NLB times for scale-up, health checks and draining; the sum is the create/update timeout Terraform waits for a deployment."
  type        = number
  default     = 30

  validation {
    condition     = var.deployment_timeout_margin_minutes >= 10
    error_message = "The deployment_timeout_margin_minutes must be 10 or more."
  }
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
