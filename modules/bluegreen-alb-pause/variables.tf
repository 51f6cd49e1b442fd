variable "name" {
  description = "Name of the ECS service; also the prefix of the target groups, roles and hook functions."
  type        = string
  default     = "bluegreen-alb-pause"

  validation {
    condition     = length(var.name) <= 26 && can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.name))
    error_message = "The name must be 1-26 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen (role names \"<name>-ecs-hook-invoke-<region>\" are limited to 64 characters)."
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
  description = "Number of tasks when the service is created; afterwards Application Auto Scaling sets it (the module ignores changes)."
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

variable "capacity_provider_strategy" {
  description = "Capacity providers to run the tasks on instead of the launch type (empty: launch type FARGATE). Changing it later needs force_new_deployment = true."
  type        = list(object({ capacity_provider = string, weight = number, base = number }))
  default     = []
}

variable "platform_version" {
  description = "Fargate platform version (null: LATEST)."
  type        = string
  default     = null
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into the tasks (the task role needs the SSM permissions)."
  type        = bool
  default     = false
}

variable "propagate_tags" {
  description = "Copy tags to the tasks from the SERVICE or the TASK_DEFINITION, or NONE."
  type        = string
  default     = "SERVICE"

  validation {
    condition     = contains(["SERVICE", "TASK_DEFINITION", "NONE"], var.propagate_tags)
    error_message = "The propagate_tags must be SERVICE, TASK_DEFINITION or NONE."
  }
}

variable "enable_ecs_managed_tags" {
  description = "Let ECS tag the tasks with the cluster and service names."
  type        = bool
  default     = true
}

variable "service_registries" {
  description = "Cloud Map service to register the tasks in (container_name and container_port may be null for A records); null: none."
  type        = object({ registry_arn = string, container_name = string, container_port = number })
  default     = null
}

variable "force_new_deployment" {
  description = "Start a deployment on every apply even without a new task definition (e.g. to pull a moved image tag)."
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
  default     = 15

  validation {
    condition     = var.bake_time_in_minutes >= 0 && var.bake_time_in_minutes <= 1440 && floor(var.bake_time_in_minutes) == var.bake_time_in_minutes
    error_message = "The bake_time_in_minutes must be a whole number of minutes from 0 to 1440."
  }
}

variable "production_listener_arn" {
  description = "ARN of the ALB listener that carries production traffic; the module adds its rule to it."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:elasticloadbalancing:[^:]*:[0-9]*:listener/app/", var.production_listener_arn))
    error_message = "The production_listener_arn must be an ARN starting with arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/."
  }
}

variable "test_listener_arn" {
  description = "ARN of the ALB test listener (another port of the same load balancer); the module adds the test rule to it."
  type        = string

  validation {
    condition     = can(regex("^arn:[^:]+:elasticloadbalancing:[^:]*:[0-9]*:listener/app/", var.test_listener_arn))
    error_message = "The test_listener_arn must be an ARN starting with arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/."
  }
}

variable "listener_rule_priority" {
  description = "Priority of the production listener rule (the test rule uses the same number on the test listener)."
  type        = number
  default     = 100

  validation {
    condition     = var.listener_rule_priority >= 1 && var.listener_rule_priority <= 50000
    error_message = "The listener_rule_priority must be from 1 to 50000."
  }
}

variable "path_patterns" {
  description = "Path patterns the listener rules match."
  type        = list(string)
  default     = ["/*"]

  validation {
    condition     = length(var.path_patterns) > 0
    error_message = "Give at least one path pattern."
  }
}

variable "host_headers" {
  description = "Host names the listener rules also match (empty: any host)."
  type        = list(string)
  default     = []
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

variable "target_group_names" {
  description = "Names of existing target groups the module takes over (e.g. moved in by tfbg migrate), kept so that they are not replaced; null: the module names new groups by prefix, and a change that replaces one creates the new group first."
  type        = object({ blue = string, green = string })
  default     = null
}

variable "health_check_protocol" {
  description = "Protocol of the target groups' health check."
  type        = string
  default     = "HTTP"

  validation {
    condition     = contains(["HTTP", "HTTPS"], var.health_check_protocol)
    error_message = "The health_check_protocol must be one of [\"HTTP\", \"HTTPS\"]."
  }
}

variable "health_check_port" {
  description = "Port of the health check (traffic-port: the container port)."
  type        = string
  default     = "traffic-port"
}

variable "health_check_path" {
  description = "Path of the HTTP(S) health check (not used with TCP)."
  type        = string
  default     = "/"
}

variable "health_check_matcher" {
  description = "HTTP codes a healthy target returns (not used with TCP)."
  type        = string
  default     = "200"
}

variable "health_check_interval" {
  description = "Seconds between health checks (5-300)."
  type        = number
  default     = 30

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300
    error_message = "The health_check_interval must be from 5 to 300 seconds."
  }
}

variable "health_check_timeout" {
  description = "Seconds without an answer that fail a check (2-120; null: the load balancer's default)."
  type        = number
  default     = null

  validation {
    condition     = var.health_check_timeout == null ? true : var.health_check_timeout >= 2 && var.health_check_timeout <= 120
    error_message = "The health_check_timeout must be from 2 to 120 seconds, or null."
  }
}

variable "health_check_healthy_threshold" {
  description = "Passing checks in a row that make a target healthy (2-10)."
  type        = number
  default     = 3

  validation {
    condition     = var.health_check_healthy_threshold >= 2 && var.health_check_healthy_threshold <= 10
    error_message = "The health_check_healthy_threshold must be from 2 to 10 checks."
  }
}

variable "health_check_unhealthy_threshold" {
  description = "Failing checks in a row that make a target unhealthy (2-10)."
  type        = number
  default     = 3

  validation {
    condition     = var.health_check_unhealthy_threshold >= 2 && var.health_check_unhealthy_threshold <= 10
    error_message = "The health_check_unhealthy_threshold must be from 2 to 10 checks."
  }
}

variable "autoscaling_min_capacity" {
  description = "Fewest tasks Application Auto Scaling keeps."
  type        = number
  default     = 2

  validation {
    condition     = var.autoscaling_min_capacity >= 0
    error_message = "The autoscaling_min_capacity must be 0 or more."
  }
}

variable "autoscaling_max_capacity" {
  description = "Most tasks Application Auto Scaling starts. During a deployment ECS runs this many of each revision at most."
  type        = number
  default     = 10

  validation {
    condition     = var.autoscaling_max_capacity >= 1
    error_message = "The autoscaling_max_capacity must be 1 or more."
  }
}

variable "autoscaling_cpu_target" {
  description = "Average CPU utilisation (percent) to keep the service at; null: no CPU policy."
  type        = number
  default     = 60

  validation {
    condition     = var.autoscaling_cpu_target == null ? true : var.autoscaling_cpu_target > 0 && var.autoscaling_cpu_target <= 100
    error_message = "The autoscaling_cpu_target must be from 1 to 100, or null."
  }
}

variable "autoscaling_memory_target" {
  description = "Average memory utilisation (percent) to keep the service at; null: no memory policy."
  type        = number
  default     = null

  validation {
    condition     = var.autoscaling_memory_target == null ? true : var.autoscaling_memory_target > 0 && var.autoscaling_memory_target <= 100
    error_message = "The autoscaling_memory_target must be from 1 to 100, or null."
  }
}

variable "autoscaling_requests_per_target" {
  description = "ALB requests per task and minute to keep the service at; null: no request-count policy. The module tracks both target groups, so the policy follows production traffic across deployments."
  type        = number
  default     = null

  validation {
    condition     = var.autoscaling_requests_per_target == null ? true : var.autoscaling_requests_per_target > 0
    error_message = "The autoscaling_requests_per_target must be more than 0, or null."
  }
}

variable "autoscaling_scale_in_cooldown" {
  description = "Seconds between a scale-in and the next."
  type        = number
  default     = 300
}

variable "autoscaling_scale_out_cooldown" {
  description = "Seconds between a scale-out and the next."
  type        = number
  default     = 60
}

variable "target_group_5xx_threshold" {
  description = "5xx answers of the new revision per minute that roll a deployment back."
  type        = number
  default     = 10

  validation {
    condition     = var.target_group_5xx_threshold > 0
    error_message = "The target_group_5xx_threshold must be more than 0."
  }
}

variable "target_group_latency_threshold_seconds" {
  description = "Average response time (seconds) of the new revision that rolls a deployment back."
  type        = number
  default     = 1

  validation {
    condition     = var.target_group_latency_threshold_seconds > 0
    error_message = "The target_group_latency_threshold_seconds must be more than 0."
  }
}

variable "target_group_alarm_evaluation_periods" {
  description = "Minutes in a row a threshold must be crossed."
  type        = number
  default     = 2

  validation {
    condition     = var.target_group_alarm_evaluation_periods >= 1
    error_message = "The target_group_alarm_evaluation_periods must be 1 or more."
  }
}

variable "pause_timeout_minutes" {
  description = "Minutes a paused deployment waits for a decision before ECS takes pause_timeout_action."
  type        = number
  default     = 1440

  validation {
    condition     = var.pause_timeout_minutes >= 1 && var.pause_timeout_minutes <= 20160
    error_message = "The pause_timeout_minutes must be from 1 to 20160 minutes."
  }
}

variable "pause_timeout_action" {
  description = "What ECS does when nobody decides in time: ROLLBACK or CONTINUE."
  type        = string
  default     = "ROLLBACK"

  validation {
    condition     = contains(["ROLLBACK", "CONTINUE"], var.pause_timeout_action)
    error_message = "The pause_timeout_action must be ROLLBACK or CONTINUE."
  }
}

variable "pause_notification_emails" {
  description = "Email addresses subscribed to the approval topic (each must confirm its subscription)."
  type        = list(string)
  default     = []
}

variable "iam_role_path" {
  description = "Path of the IAM roles the module creates."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/(.*/)?$", var.iam_role_path))
    error_message = "The iam_role_path must start and end with a slash."
  }
}

variable "iam_permissions_boundary_arn" {
  description = "Permissions boundary for the IAM roles the module creates; null: none."
  type        = string
  default     = null
}

variable "infrastructure_role_arn" {
  description = "Existing infrastructure role ECS assumes to shift traffic (trusted by ecs.amazonaws.com); null: the module creates one."
  type        = string
  default     = null

  validation {
    condition     = var.infrastructure_role_arn == null ? true : can(regex("^arn:[^:]+:iam::[0-9]{12}:role/", var.infrastructure_role_arn))
    error_message = "The infrastructure_role_arn must be an IAM role ARN."
  }
}

variable "deployment_timeout_margin_minutes" {
  description = "Minutes added to the bake, hook and NLB times for scale-up, health checks and draining; the sum is the deployment_timeout output, how long CI should wait."
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
