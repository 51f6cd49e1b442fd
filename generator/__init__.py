"""tfbg new: answers -> templates -> a Terraform module."""

__version__ = "0.1.0"
