variable "name" {
  description = "Name of the ECS service; also the prefix of the target groups, roles and hook functions."
  type        = string
  default     = "codedeploy-canary-hooks"

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
  description = "ARN of the task definition the service starts with. Later revisions are deployed by CodeDeploy (see README.md); the module ignores the service's task definition after creation."
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

variable "termination_wait_time_in_minutes" {
  description = "Minutes the original task set keeps running after all production traffic has moved; stopping the deployment with rollback in this window moves traffic straight back."
  type        = number
  default     = 15

  validation {
    condition     = var.termination_wait_time_in_minutes >= 0 && var.termination_wait_time_in_minutes <= 2880 && floor(var.termination_wait_time_in_minutes) == var.termination_wait_time_in_minutes
    error_message = "The termination_wait_time_in_minutes must be a whole number from 0 to 2880."
  }
}

variable "alarm_names" {
  description = "Further CloudWatch alarms that stop and roll back a deployment (at most 8; the module adds its own two)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.alarm_names) <= 8
    error_message = "Give at most 8 alarm names (CodeDeploy takes 10 per deployment group)."
  }
}

variable "alarm_threshold" {
  description = "Target 5XX responses per minute in either target group that put the module's alarms into ALARM."
  type        = number
  default     = 5

  validation {
    condition     = var.alarm_threshold >= 1
    error_message = "The alarm_threshold must be 1 or more."
  }
}

variable "hook_warmup_seconds" {
  description = "Seconds each hook waits before it starts checking."
  type        = number
  default     = 0

  validation {
    condition     = var.hook_warmup_seconds >= 0 && var.hook_warmup_seconds <= 600
    error_message = "The hook_warmup_seconds must be from 0 to 600."
  }
}

variable "hook_health_check_url" {
  description = "URL the hooks request (for example the test listener's URL); empty: no HTTP check."
  type        = string
  default     = ""
}

variable "hook_health_check_expected_status" {
  description = "HTTP status the health check URL must answer."
  type        = string
  default     = "200"
}

variable "hook_check_timeout_seconds" {
  description = "Seconds a hook keeps checking before it reports Failed (which rolls the deployment back); with the warm-up at most 840, so the report fits in the function's 15 minutes."
  type        = number
  default     = 600

  validation {
    condition     = var.hook_check_timeout_seconds > 0 && var.hook_check_timeout_seconds <= 840
    error_message = "The hook_check_timeout_seconds must be from 1 to 840."
  }
}

variable "hook_poll_interval_seconds" {
  description = "Seconds between two checks of a hook."
  type        = number
  default     = 15

  validation {
    condition     = var.hook_poll_interval_seconds > 0
    error_message = "The hook_poll_interval_seconds must be more than 0."
  }
}

variable "hook_subnet_ids" {
  description = "Subnets to run the hook functions in, when the health check URL is reachable only from inside the VPC. Empty: outside the VPC."
  type        = list(string)
  default     = []
}

variable "hook_security_group_ids" {
  description = "Security groups of the hook functions when they run in the VPC."
  type        = list(string)
  default     = []
}

variable "hook_log_retention_days" {
  description = "Days CloudWatch Logs keeps the hook functions' logs."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}
