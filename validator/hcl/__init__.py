"""Terraform HCL support for the directory loader: syntax (parse.py), expression evaluation
(evaluate.py, functions.py) and Terraform's module semantics (validator/loaders/hcl.py)."""
