"""Errors in the user's input (not findings): shown as one line naming the file and line, exit code 2."""


class InputError(Exception):
    """`str(error)` is the whole line shown to the user, e.g. `plan.json: not a Terraform plan (...)`."""
