terraform {
  # Only Terraform 1.0 language features are used, so every Terraform 1.x and OpenTofu reads this.
  required_version = ">= 1.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.21.0: strategies LINEAR and CANARY.
      version = ">= 6.21.0, < 7.0.0"
    }
  }
}
