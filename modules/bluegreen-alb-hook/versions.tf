terraform {
  # Only Terraform 1.0 language features are used, so every Terraform 1.x and OpenTofu reads this.
  required_version = ">= 1.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.14.0: lifecycle_hook.hook_details.
      version = ">= 6.14.0, < 7.0.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.2.0"
    }
  }
}
