variable "name" {
  description = "Name of the ECS service; also the prefix of the target groups."
  type        = string
  default     = "external-canary-alb"

  validation {
    condition     = length(var.name) <= 24 && can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.name))
    error_message = "The name must be 1-24 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen (target group names \"<name>-primary\" are limited to 32 characters)."
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
  description = "Task definition of the primary task set (the revision serving production). Changing it replaces the primary task set; the rollout in README.md changes it through promote instead."
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

variable "load_balancer_arn" {
  description = "ARN of the Application Load Balancer; the module creates its listeners."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:elasticloadbalancing:[^:]*:[0-9]*:loadbalancer/app/", var.load_balancer_arn))
    error_message = "The load_balancer_arn must be an ARN starting with arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/."
  }
}

variable "production_listener_port" {
  description = "Port of the production listener the module creates."
  type        = number
  default     = 80

  validation {
    condition     = var.production_listener_port >= 1 && var.production_listener_port <= 65535
    error_message = "The production_listener_port must be from 1 to 65535."
  }
}

variable "test_listener_port" {
  description = "Port of the test listener the module creates on the same load balancer (must differ from the production port)."
  type        = number
  default     = 8080

  validation {
    condition     = var.test_listener_port >= 1 && var.test_listener_port <= 65535
    error_message = "The test_listener_port must be from 1 to 65535."
  }
}

variable "health_check_path" {
  description = "Path of the target groups' HTTP health check."
  type        = string
  default     = "/"
}

variable "health_check_matcher" {
  description = "HTTP codes a healthy target returns."
  type        = string
  default     = "200"
}

variable "deregistration_delay" {
  description = "Seconds a target group drains connections of a deregistered task."
  type        = number
  default     = 60

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "The deregistration_delay must be from 0 to 3600."
  }
}

variable "canary_task_definition_arn" {
  description = "Rollout step 1: task definition of the canary task set; null: no canary task set."
  type        = string
  default     = null

  validation {
    condition     = var.canary_task_definition_arn == null || can(regex("^arn:[^:]+:ecs:[^:]*:[0-9]*:task-definition/", var.canary_task_definition_arn))
    error_message = "The canary_task_definition_arn must be null or a task definition ARN."
  }
}

variable "canary_scale_percent" {
  description = "Size of the canary task set in percent of desired_count (ECS rounds up to whole tasks)."
  type        = number
  default     = 10

  validation {
    condition     = var.canary_scale_percent >= 0 && var.canary_scale_percent <= 100
    error_message = "The canary_scale_percent must be from 0 to 100."
  }
}

variable "canary_weight" {
  description = "Rollout step 2: percent of production traffic the listener sends to the canary target group (only while a canary task set exists)."
  type        = number
  default     = 0

  validation {
    condition     = var.canary_weight >= 0 && var.canary_weight <= 100 && floor(var.canary_weight) == var.canary_weight
    error_message = "The canary_weight must be a whole number from 0 to 100."
  }
}

variable "promote" {
  description = "Rollout step 3: run the primary task set with the canary's task definition (it is replaced, the new one started before the old one stops)."
  type        = bool
  default     = false
}

variable "task_set_stable_timeout" {
  description = "How long terraform apply waits for a task set to become stable (a Go duration)."
  type        = string
  default     = "10m"

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.task_set_stable_timeout))
    error_message = "The task_set_stable_timeout must be a duration like 10m."
  }
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
