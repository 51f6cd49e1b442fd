"""Group C, ids TFBG3xx: Lifecycle hooks (catalogue R-31..R-39)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
