"""Group E, ids TFBG5xx: CodeDeploy blue/green (catalogue R-48..R-60)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
