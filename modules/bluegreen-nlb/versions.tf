terraform {
  # Only Terraform 1.0 language features are used, so every Terraform 1.x and OpenTofu reads this.
  required_version = ">= 1.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.6.0: an omitted test_listener_rule is no longer sent as "" (provider #43552).
      version = ">= 6.6.0, < 7.0.0"
    }
  }
}
