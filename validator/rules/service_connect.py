"""Group I, ids TFBG9xx: Service Connect (catalogue R-75..R-76)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
