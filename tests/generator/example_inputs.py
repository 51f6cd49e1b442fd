"""The inputs a user sets to plan a generated module's examples/complete: the network, and the test
header secret where the module has one."""

from __future__ import annotations

EXAMPLE_INPUTS = {
    "vpc_id": '"vpc-0123456789abcdef0"',
    "subnet_ids": '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    "test_header_value": '"0123456789abcdef0123456789abcdef"',
}


def example_inputs(example: str) -> list[str]:
    """The inputs of EXAMPLE_INPUTS that an examples/complete/main.tf declares."""
    return [name for name in EXAMPLE_INPUTS if f'variable "{name}" {{' in example]


def aligned(pairs) -> list[str]:
    """`name = value` lines aligned as terraform fmt aligns them."""
    width = max((len(name) for name, _ in pairs), default=0)
    return [f"{name.ljust(width)} = {value}" for name, value in pairs]


def tfvars(names) -> str:
    return "".join(line + "\n" for line in aligned([(name, EXAMPLE_INPUTS[name]) for name in names]))
