terraform {
  # Only Terraform 1.0 language features are used, so every Terraform 1.x and OpenTofu reads this.
  required_version = ">= 1.0"

  required_providers {
    # Pause hooks (lifecycle_hook.target_type, timeout_configuration) need the release carrying provider
    # PR #48128 (merged 2026-09-17), later than 6.25.0; tfbg could not name it. Pin the release you use
    # (an older one fails `terraform validate` on "target_type").
    # tfbg:ignore TFBG407 the first release with PR #48128 is unknown to tfbg; "> 6.25.0" is the bound it can prove
    aws = {
      source = "hashicorp/aws"
      # 6.6.0: an omitted test_listener_rule is no longer sent as "" (provider #43552).
      version = "> 6.25.0, < 7.0.0"
    }
  }
}
