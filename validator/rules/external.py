"""Group F, ids TFBG6xx: EXTERNAL controller and task sets (catalogue R-61..R-65)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
