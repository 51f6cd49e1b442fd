# A root configuration that runs the module with everything a new account needs around it: the
# cluster, a task definition and its log group and execution role, security groups, an
# Application Load Balancer with its listeners. Only the network is an input: `terraform apply` in this directory,
# with vpc_id and subnet_ids set, is the whole story.
provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "vpc_id" {
  description = "VPC to run in."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the load balancer and the tasks (public subnets: the tasks get public IP addresses to pull the image)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS listeners; null: plain HTTP."
  type        = string
  default     = null
}

variable "test_client_cidr_blocks" {
  description = "Networks allowed to reach the test listener (it serves the revision under test)."
  type        = list(string)
  default     = []
}

variable "container_image" {
  description = "Image of the service (it must listen on container_port)."
  type        = string
  default     = "public.ecr.aws/nginx/nginx:stable"
}

variable "container_port" {
  description = "Port the image listens on."
  type        = number
  default     = 80
}

locals {
  name = "bluegreen-alb-pause"
}

data "aws_region" "current" {}

module "service" {
  source = "../.."

  cluster_arn             = aws_ecs_cluster.this.arn
  task_definition_arn     = aws_ecs_task_definition.app.arn
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  security_group_ids      = [aws_security_group.tasks.id]
  production_listener_arn = local.production_listener_arn
  test_listener_arn       = aws_lb_listener.test.arn
  assign_public_ip        = true
  container_port          = var.container_port
}

resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name}"
  retention_in_days = 30
}

data "aws_iam_policy_document" "task_execution_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Lets ECS pull the image and write the container's logs.
resource "aws_iam_role" "task_execution" {
  name               = "${local.name}-task-exec-${data.aws_region.current.region}"
  assume_role_policy = data.aws_iam_policy_document.task_execution_assume.json
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.task_execution.arn

  container_definitions = jsonencode([{
    name      = "app"
    image     = var.container_image
    essential = true
    portMappings = [{
      name          = "http"
      containerPort = var.container_port
      protocol      = "tcp"
      appProtocol   = "http"
    }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = "app"
      }
    }
  }])
}

resource "aws_security_group" "tasks" {
  name        = "${local.name}-tasks"
  description = "Tasks of ${local.name}."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "tasks" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "From the load balancer."
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.load_balancer.id
}

resource "aws_vpc_security_group_egress_rule" "tasks" {
  security_group_id = aws_security_group.tasks.id
  description       = "Image pulls, logs and calls to other services."
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "load_balancer" {
  name        = "${local.name}-lb"
  description = "Load balancer of ${local.name}."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer" {
  for_each = toset(["80", "443"])

  security_group_id = aws_security_group.load_balancer.id
  description       = "Production traffic."
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "test_listener" {
  count = length(var.test_client_cidr_blocks)

  security_group_id = aws_security_group.load_balancer.id
  description       = "Test traffic to the revision under test."
  ip_protocol       = "tcp"
  from_port         = var.certificate_arn == null ? 8080 : 8443
  to_port           = var.certificate_arn == null ? 8080 : 8443
  cidr_ipv4         = var.test_client_cidr_blocks[count.index]
}

resource "aws_vpc_security_group_egress_rule" "load_balancer" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "To the tasks."
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_lb" "this" {
  name               = local.name
  load_balancer_type = "application"
  subnets            = var.subnet_ids
  security_groups    = [aws_security_group.load_balancer.id]

  drop_invalid_header_fields = true
}

# Port 80 answers 404 to what no rule matches, or redirects to HTTPS when there is a certificate.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = var.certificate_arn == null ? "fixed-response" : "redirect"

    dynamic "fixed_response" {
      for_each = var.certificate_arn == null ? [1] : []
      content {
        content_type = "text/plain"
        message_body = "Not found"
        status_code  = "404"
      }
    }

    dynamic "redirect" {
      for_each = var.certificate_arn == null ? [] : [1]
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }
}

resource "aws_lb_listener" "https" {
  count = var.certificate_arn == null ? 0 : 1

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

locals {
  # The module adds its production rule to the HTTPS listener when there is one.
  production_listener_arn = var.certificate_arn == null ? aws_lb_listener.http.arn : aws_lb_listener.https[0].arn
}

# Test listener: the module's test rule forwards it to the revision under test.
resource "aws_lb_listener" "test" {
  load_balancer_arn = aws_lb.this.arn
  port              = var.certificate_arn == null ? 8080 : 8443
  protocol          = var.certificate_arn == null ? "HTTP" : "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = var.certificate_arn == null ? null : "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

output "service_id" {
  value = module.service.service_id
}

output "deployment_timeout" {
  value = module.service.deployment_timeout
}

output "load_balancer_dns_name" {
  value = aws_lb.this.dns_name
}
