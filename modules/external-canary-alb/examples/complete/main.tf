# A complete root configuration that calls the module with every required input. The values are
# placeholders: put in your cluster, task definition, network and load balancer.

provider "aws" {
  region = "us-east-1"
}

module "service" {
  source = "../.."

  cluster_arn         = "arn:aws:ecs:us-east-1:123456789012:cluster/example"
  task_definition_arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/example:1"
  vpc_id              = "vpc-0123456789abcdef0"
  subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids  = ["sg-0123456789abcdef0"]
  load_balancer_arn   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/example/0123456789abcdef"
}

output "service_id" {
  value = module.service.service_id
}
