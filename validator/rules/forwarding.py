"""Group H, ids TFBG8xx: Listener forward sanity (catalogue R-72..R-74)."""

from validator.rules.base import Rule

RULES: list[Rule] = []
